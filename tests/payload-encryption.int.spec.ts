/**
 * Issue 5, section 5: every payload Temporal stores is the tenant's ciphertext. A run that handled
 * known values (input, a step's output, an approval comment, a failing step's error) is read
 * back twice: through the API, decrypted, and as Temporal's raw history, where none of those
 * values may appear.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { temporal } from '@temporalio/proto';
import { temporalWorkflowIdFor } from '@warden/engine';
import { startApiHarness, waitForRun, type ApiHarness, type RunBody } from './api-harness';

// Real servers and processes: Jest's 5 s default is too short (a project-level testTimeout is ignored).
jest.setTimeout(90_000);

const suffix = randomUUID().slice(0, 8);
const INPUT_MARKER = `sk_live_input_${suffix}`;
const COMMENT_MARKER = `comment_secret_${suffix}`;
const FAIL_MARKER = `fail_secret_${suffix}`;

const definition = (name: string) =>
  [
    `name: ${name}`,
    'version: 1.0',
    'inputs:',
    '  token: { type: string, required: true }',
    '  failUrl: { type: string, required: true }',
    'steps:',
    '  - id: echo',
    '    type: shell',
    `    command: "echo 'seen {{ inputs.token }}'"`,
    '  - id: shape',
    '    type: transform',
    '    output: { copy: "{{ inputs.token }}" }',
    '  - id: request',
    '    type: approval',
    '    depends_on: [echo, shape]',
    '    message: "Approve {{ inputs.token }}"',
    '  - id: call',
    '    type: http',
    '    depends_on: [request]',
    '    method: GET',
    '    url: "{{ inputs.failUrl }}"',
    '    retry: { attempts: 1 }',
    '',
  ].join('\n');

/**
 * Every bytes field as text (not the base64 of the proto's own JSON form), so a value stored in
 * plain JSON inside a payload would show up.
 */
function historyText(history: temporal.api.history.v1.IHistory): string {
  const plain = temporal.api.history.v1.History.toObject(
    temporal.api.history.v1.History.fromObject(history),
    {
      longs: String,
      enums: String,
    },
  );
  return JSON.stringify(plain, (_key, value: unknown) => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
    if (isBufferJson(value)) return Buffer.from(value.data).toString('latin1');
    return value;
  });
}

function isBufferJson(value: unknown): value is { type: 'Buffer'; data: number[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  );
}

let api: ApiHarness;
let failing: Server;
let failUrl: string;

beforeAll(async () => {
  failing = createServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end('{"ok":false}');
  });
  await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
  failUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/hook?key=${FAIL_MARKER}`;
  api = await startApiHarness({ worker: true });
});

afterAll(async () => {
  await api?.close();
  failing?.closeAllConnections();
  await new Promise((resolve) => failing?.close(resolve));
});

test('input, outputs, a signal and a failure are readable through the API and ciphertext in Temporal', async () => {
  const registered = await api.call<{ id: string }>('POST', '/v1/workflows', {
    text: definition(`payload-secrets-${suffix}`),
  });
  expect(registered.status).toBe(201);
  const started = await api.call<{ runId: string }>('POST', `/v1/workflows/${registered.body.id}/runs`, {
    json: { inputs: { token: INPUT_MARKER, failUrl } },
  });
  expect(started.status).toBe(202);
  const { runId } = started.body;

  // Read while running: a query through the tenant's client, answered by the worker.
  const waiting = await waitForRun(api, runId, (r) => r.status === 'waiting_approval');
  expect(waiting.steps.find((s) => s.id === 'echo')!.outputs.stdout).toBe(`seen ${INPUT_MARKER}\n`);
  const approved = await api.call('POST', `/v1/runs/${runId}/approvals`, {
    json: { stepId: 'request', decision: 'approve', comment: COMMENT_MARKER },
  });
  expect(approved.status).toBe(202);

  // Read once ended: the workflow's failure, decrypted.
  const run: RunBody = await waitForRun(api, runId, (r) => r.status === 'failed');
  const step = (id: string) => run.steps.find((s) => s.id === id)!;
  expect(step('shape').outputs).toEqual({ copy: INPUT_MARKER });
  expect(step('echo').outputs.stdout).toBe(`seen ${INPUT_MARKER}\n`);
  expect(step('call').error?.message).toContain(FAIL_MARKER);
  expect(run.error).toMatchObject({ stepId: 'call' });
  expect(run.error!.message).toContain(FAIL_MARKER);
  expect(JSON.stringify(run)).toContain(COMMENT_MARKER);

  // The raw history, through a client without the codec: what Temporal stores and its UI shows.
  const history = await api.temporal.workflow.getHandle(temporalWorkflowIdFor(runId)).fetchHistory();
  const text = historyText(history);
  for (const marker of [INPUT_MARKER, COMMENT_MARKER, FAIL_MARKER]) expect(text).not.toContain(marker);
  // The bytes above were rendered as text: the payloads' own metadata reads as plain words.
  expect(text).toContain('binary/encrypted');
  expect(text).toContain(`${api.tenant.id}/tenant/`);
  expect(text).not.toContain('json/plain');
  // Failure messages moved into (encrypted) payloads: the activity's and the workflow's.
  const failures = (history.events ?? []).flatMap((e) => [
    e.activityTaskFailedEventAttributes?.failure,
    e.workflowExecutionFailedEventAttributes?.failure,
  ]);
  const messages = failures.filter((f) => f != null).map((f) => f.message);
  expect(messages).toEqual(['Encoded failure', 'Encoded failure']);
});
