/**
 * Chained plugin steps (decision 0007) in real runs: consecutive plugin steps without `when`,
 * `retry` or `timeout` run in one local activity, and each member still ends up exactly as it
 * would have alone: its own output (rendered from the previous member's), its own audit row, its
 * own failure code; members after a failure are decided again like any later step. Real Temporal
 * dev server, PostgreSQL, bubblewrap and isolated-vm; the history is read back from Temporal.
 */
import { randomUUID } from 'node:crypto';
import { generatePublisherKeyPair, type PluginManifest } from '@warden/plugins';
import { temporalWorkflowIdFor } from '@warden/engine';
import { startApiHarness, type ApiHarness } from './api-harness';
import { publishSigned, runToEnd, startRun, waitForRun, type RunView } from './plugin-fixtures';

// Real servers and processes: Jest's 5 s default is too short.
jest.setTimeout(90_000);

function aManifest(id: string): PluginManifest {
  return {
    id,
    name: 'Appender',
    version: '1.0.0',
    description: 'Appends a word to a text.',
    publisher: 'acme',
    inputSchema: {
      type: 'object',
      required: ['text'],
      additionalProperties: false,
      properties: { text: { type: 'string' }, spin: { type: 'boolean' } },
    },
    outputSchema: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } },
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { word: { type: 'string' } },
    },
    capabilities: { hosts: [], credentials: [], limits: { timeoutMs: 1000 } },
  };
}

/** Appends config.word; with `spin: true` it never returns (the sandbox's timeout ends it). */
const SOURCE = `export default {
  run(input, ctx) {
    if (input.spin) for (;;) {}
    return { text: input.text + ' ' + ctx.config.word };
  },
};
`;

describe('chained plugin steps', () => {
  let api: ApiHarness;
  const pluginId = `acme.append-${randomUUID().slice(0, 8)}`;
  const key = generatePublisherKeyPair();

  const saveWorkflow = async (steps: string[]): Promise<string> => {
    const workflow = await api.call<{ id: string }>('POST', '/v1/workflows', {
      json: {
        source: [
          `name: chain-${randomUUID().slice(0, 8)}`,
          'version: 1',
          'inputs:',
          '  spin: { type: boolean, default: false }',
          "  pad: { type: string, default: '' }",
          'steps:',
          ...steps,
          '',
        ].join('\n'),
      },
    });
    expect(workflow.status).toBe(201);
    return workflow.body.id;
  };

  interface MemberOptions {
    /** The step it depends on, whose text it appends to (else it starts from "start"). */
    from?: string;
    /** Its `with` mapping as YAML flow text, instead of the text of `from`. */
    with?: string;
    /** Another plugin id than the appender. */
    plugin?: string;
    /** Lines added as they are. */
    extra?: string[];
  }

  /** A plugin step appending `word` to `from`'s text (by default). */
  const member = (id: string, word: string, opts: MemberOptions = {}): string[] => [
    `  - id: ${id}`,
    '    type: plugin',
    `    plugin: "${opts.plugin ?? pluginId}@^1.0"`,
    `    with: ${opts.with ?? (opts.from === undefined ? '{ text: "start" }' : `{ text: "{{ steps.${opts.from}.outputs.text }}" }`)}`,
    `    config: { word: ${word} }`,
    ...(opts.from === undefined ? [] : [`    depends_on: [${opts.from}]`]),
    ...(opts.extra ?? []),
  ];

  /** Local activities the run's Temporal history records (one marker each). */
  const localActivities = async (runId: string): Promise<number> => {
    const history = await api.temporal.workflow.getHandle(temporalWorkflowIdFor(runId)).fetchHistory();
    return (history.events ?? []).filter(
      (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    ).length;
  };

  const auditedSteps = async (runId: string): Promise<string[]> => {
    const events = await api.call<{ items: { outcome: string; details: Record<string, unknown> }[] }>(
      'GET',
      '/v1/audit?action=plugin.execute&limit=100',
    );
    expect(events.status).toBe(200);
    return events.body.items
      .filter((e) => e.details.runId === runId)
      .map((e) => `${String(e.details.stepId)}:${e.outcome}`)
      .sort();
  };

  const stepsOf = (view: RunView): Record<string, { status: string; text?: unknown; code?: string }> =>
    Object.fromEntries(
      view.steps.map((s) => [
        s.id,
        {
          status: s.status,
          ...(s.outputs.text === undefined ? {} : { text: s.outputs.text }),
          ...(s.error ? { code: s.error.code } : {}),
        },
      ]),
    );

  beforeAll(async () => {
    api = await startApiHarness({ worker: true });
    const trusted = await api.call('POST', '/v1/plugin-keys', {
      json: { name: 'ci', publicKeyPem: key.publicKeyPem },
    });
    expect(trusted.status).toBe(201);
    await publishSigned(api, aManifest(pluginId), SOURCE, key);
  });
  afterAll(async () => {
    await api.close();
  });

  it('runs three chained plugin steps in one local activity, each with its own output and audit row', async () => {
    const workflowId = await saveWorkflow([
      ...member('a', 'one'),
      ...member('b', 'two', { from: 'a' }),
      ...member('c', 'three', { from: 'b' }),
      '  - id: after',
      '    type: transform',
      '    depends_on: [c]',
      '    output: { text: "{{ steps.c.outputs.text }}!" }',
    ]);
    const view = await runToEnd(api, workflowId);
    expect(view.status).toBe('succeeded');
    expect(stepsOf(view)).toEqual({
      a: { status: 'succeeded', text: 'start one' },
      b: { status: 'succeeded', text: 'start one two' },
      c: { status: 'succeeded', text: 'start one two three' },
      after: { status: 'succeeded', text: 'start one two three!' },
    });
    expect(view.steps.filter((s) => s.id !== 'after').map((s) => s.attempts)).toEqual([1, 1, 1]);
    expect(await localActivities(view.runId)).toBe(1);
    expect(await auditedSteps(view.runId)).toEqual(['a:success', 'b:success', 'c:success']);
  });

  it('ends a chain before a step with its own retry and after a step with two dependents', async () => {
    const workflowId = await saveWorkflow([
      ...member('a', 'one'),
      ...member('b', 'two', { from: 'a' }),
      ...member('c', 'three', { from: 'b', extra: ['    retry: { attempts: 2, delay: 0 }'] }),
      ...member('d', 'four', { from: 'c' }),
      ...member('e', 'five', { from: 'd' }),
      '  - id: side',
      '    type: log',
      '    depends_on: [d]',
      '    message: "{{ steps.d.outputs.text }}"',
    ]);
    const view = await runToEnd(api, workflowId);
    expect(view.status).toBe('succeeded');
    expect(stepsOf(view).e).toEqual({ status: 'succeeded', text: 'start one two three four five' });
    // [a, b] together; c alone (its retry needs the workflow); d alone (side waits on it, and
    // must not wait for e too); e alone.
    expect(await localActivities(view.runId)).toBe(4);
    expect(await auditedSteps(view.runId)).toEqual([
      'a:success',
      'b:success',
      'c:success',
      'd:success',
      'e:success',
    ]);
  });

  it('stops at a failing member: earlier members keep their results, later ones are skipped', async () => {
    const workflowId = await saveWorkflow([
      ...member('a', 'one'),
      ...member('b', 'two', {
        from: 'a',
        with: '{ text: "{{ steps.a.outputs.text }}", spin: "{{ inputs.spin }}" }',
      }),
      ...member('c', 'three', { from: 'b' }),
    ]);
    const failed = await runToEnd(api, workflowId, { spin: true });
    expect(failed.status).toBe('failed');
    expect(stepsOf(failed)).toEqual({
      a: { status: 'succeeded', text: 'start one' },
      b: { status: 'failed', code: 'plugin_timeout' },
      c: { status: 'skipped' },
    });
    expect(await localActivities(failed.runId)).toBe(1);
    expect(await auditedSteps(failed.runId)).toEqual(['a:success', 'b:failure']);

    // The same workflow, not spinning, runs through on the same worker and sandbox pool.
    const ok = await runToEnd(api, workflowId);
    expect(stepsOf(ok).c).toEqual({ status: 'succeeded', text: 'start one two three' });
  });

  it('runs the members after a failure tolerated with continue_on_error on their own', async () => {
    const workflowId = await saveWorkflow([
      ...member('a', 'one'),
      ...member('b', 'two', {
        from: 'a',
        with: '{ text: "{{ steps.a.outputs.text }}", spin: true }',
        extra: ['    continue_on_error: true'],
      }),
      ...member('c', 'three', { from: 'b', with: '{ text: "after {{ steps.b.status }}" }' }),
    ]);
    const view = await runToEnd(api, workflowId);
    expect(view.status).toBe('succeeded');
    expect(stepsOf(view)).toEqual({
      a: { status: 'succeeded', text: 'start one' },
      b: { status: 'failed', code: 'plugin_timeout' },
      c: { status: 'succeeded', text: 'after failed three' },
    });
    // a and b in one activity; c after the failure, alone.
    expect(await localActivities(view.runId)).toBe(2);
  });

  it('fails a member whose template fails when its turn comes with expression_error', async () => {
    const workflowId = await saveWorkflow([
      ...member('a', 'one'),
      // a's text is not JSON: the template fails only once a has run.
      ...member('b', 'two', { from: 'a', with: '{ text: "{{ fromJSON(steps.a.outputs.text) }}" }' }),
      ...member('c', 'three', { from: 'b' }),
    ]);
    const view = await runToEnd(api, workflowId);
    expect(view.status).toBe('failed');
    expect(stepsOf(view)).toEqual({
      a: { status: 'succeeded', text: 'start one' },
      b: { status: 'failed', code: 'expression_error' },
      c: { status: 'skipped' },
    });
    expect(view.steps[1]?.error?.message).toContain('fromJSON');
    expect(await localActivities(view.runId)).toBe(1);
  });

  it('keeps a chain result small: a member that could overflow it runs in the next activity', async () => {
    const workflowId = await saveWorkflow([
      // 700 KB of output: with the next member's 1 MiB output limit, over the chain's 1.5 MiB.
      ...member('big', 'one', { with: '{ text: "{{ inputs.pad }}" }' }),
      ...member('b', 'two', { from: 'big' }),
    ]);
    const view = await runToEnd(api, workflowId, { pad: 'x'.repeat(700_000) });
    expect(view.status).toBe('succeeded');
    expect(String(view.steps[1]?.outputs.text)).toHaveLength(700_000 + ' one two'.length);
    expect(await localActivities(view.runId)).toBe(2);
  });

  it("cancels the whole chain with the run: the waiting member's sandbox job is killed", async () => {
    const waiterId = `acme.waiter-${randomUUID().slice(0, 8)}`;
    await publishSigned(
      api,
      {
        ...aManifest(waiterId),
        capabilities: { hosts: [], credentials: [], limits: { timeoutMs: 30_000 } },
      },
      'export default { run() { return new Promise(() => {}); } };\n',
      key,
    );
    const workflowId = await saveWorkflow([
      ...member('a', 'one'),
      ...member('wait', 'two', { from: 'a', plugin: waiterId }),
      ...member('c', 'three', { from: 'wait' }),
    ]);
    const runId = await startRun(api, workflowId);
    // The waiter's execution starts only after a's has been audited.
    for (let i = 0; i < 100 && !(await auditedSteps(runId)).includes('a:success'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const cancelledAt = Date.now();
    expect((await api.call('POST', `/v1/runs/${runId}/cancel`, { json: {} })).status).toBe(202);
    const view = await waitForRun(api, runId);
    expect(view.status).toBe('cancelled');
    // Well before the waiter's own 30 s deadline.
    // At the workflow task's next heartbeat (WARDEN_WORKFLOW_TASK_TIMEOUT), then the kill.
    expect(Date.now() - cancelledAt).toBeLessThan(6_000);
    // Every member ends cancelled, a too (its result went down with the chain's activity); the
    // audit keeps what ran: a succeeded, the waiter was cancelled, c never started.
    expect(view.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      'a:cancelled',
      'wait:cancelled',
      'c:cancelled',
    ]);
    expect(await auditedSteps(runId)).toEqual(['a:success', 'wait:failure']);
  });
});
