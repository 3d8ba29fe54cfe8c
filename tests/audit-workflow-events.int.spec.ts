/**
 * Workflow and run changes land in the tenant's audit chain, each naming the actor, the target,
 * the request id and the source address: workflow create and update, run start and cancel. A
 * request refused before it changes anything leaves no `success` event behind.
 */
import { randomUUID } from 'node:crypto';
import { exampleWithName, startApiHarness, type ApiHarness } from './api-harness';

interface AuditEvent {
  action: string;
  actor: { type: string; id: string };
  target: { type: string; id: string | null };
  outcome: string;
  requestId: string | null;
  sourceIp: string | null;
  details: Record<string, unknown>;
}

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api?.close();
});

async function eventsFor(action: string, targetId: string): Promise<AuditEvent[]> {
  const page = await api.call<{ items: AuditEvent[] }>(
    'GET',
    `/v1/audit?action=${encodeURIComponent(action)}&targetId=${encodeURIComponent(targetId)}`,
  );
  expect(page.status).toBe(200);
  return page.body.items;
}

it('records workflow create and update, run start and cancel, with actor and request', async () => {
  const name = `audited-${randomUUID().slice(0, 8)}`;
  const created = await api.call<{ id: string }>('POST', '/v1/workflows', {
    text: exampleWithName('hello-world.yaml', name),
  });
  expect(created.status).toBe(201);
  const workflowId = created.body.id;
  const requestId = created.headers.get('x-request-id');

  const [create] = await eventsFor('workflow.create', workflowId);
  expect(create).toMatchObject({
    actor: { type: 'user', id: api.owner.userId },
    target: { type: 'workflow', id: workflowId },
    outcome: 'success',
    requestId,
    details: { name, version: 1 },
  });
  expect(create?.sourceIp).toMatch(/127\.0\.0\.1/);

  const updated = await api.call('PUT', `/v1/workflows/${workflowId}`, {
    text: exampleWithName('hello-world.yaml', name).replace('My first secure workflow', 'Changed'),
  });
  expect(updated.status).toBe(200);
  expect(await eventsFor('workflow.update', workflowId)).toEqual([
    expect.objectContaining({ outcome: 'success', details: expect.objectContaining({ version: 2 }) }),
  ]);

  // No worker serves this tenant, so the run stays open until it is cancelled.
  const started = await api.call<{ runId: string }>('POST', `/v1/workflows/${workflowId}/runs`, {
    json: { inputs: { name: 'audit' } },
  });
  expect(started.status).toBe(202);
  const runId = started.body.runId;
  expect(await eventsFor('run.start', runId)).toEqual([
    expect.objectContaining({
      actor: { type: 'user', id: api.owner.userId },
      details: expect.objectContaining({ workflowId, workflowVersion: 2 }),
    }),
  ]);

  const cancelled = await api.call('POST', `/v1/runs/${runId}/cancel`);
  expect(cancelled.status).toBe(202);
  expect(await eventsFor('run.cancel', runId)).toHaveLength(1);
});

it('leaves no event for a change that was refused', async () => {
  const viewer = await api.createUser(['viewer']);
  const refused = await api.call('POST', '/v1/workflows', {
    text: exampleWithName('hello-world.yaml', `refused-${randomUUID().slice(0, 8)}`),
    token: viewer.token,
  });
  expect(refused.status).toBe(403);
  const invalid = await api.call('POST', '/v1/workflows', { text: 'name: broken\nsteps: 3\n' });
  expect(invalid.status).toBe(400);
  const page = await api.call<{ items: AuditEvent[] }>(
    'GET',
    `/v1/audit?action=workflow.create&actorId=${viewer.userId}`,
  );
  expect(page.body.items).toEqual([]);
});
