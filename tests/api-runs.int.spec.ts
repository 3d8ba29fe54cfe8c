import { randomUUID } from 'node:crypto';
import { temporalWorkflowIdFor } from '@warden/engine';
import { Client } from 'pg';
import { TenantClients } from '../apps/api/src/temporal/tenant-clients';
import {
  exampleWithName,
  isFinished,
  startApiHarness,
  waitForRun,
  type ApiHarness,
  type RunBody,
} from './api-harness';

interface ErrorBody {
  error: { code: string; message: string; details?: { problems?: { code?: string; path: string }[] } };
}

describe('API: runs on a real Temporal worker', () => {
  let api: ApiHarness;
  const suffix = randomUUID().slice(0, 8);
  const workflowIds = new Map<string, string>();

  async function register(name: string, source: string): Promise<string> {
    const response = await api.call<{ id: string }>('POST', '/v1/workflows', { text: source });
    expect(response.status).toBe(201);
    workflowIds.set(name, response.body.id);
    return response.body.id;
  }

  async function start(
    workflowId: string,
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: { runId: string; status: string } & ErrorBody }> {
    return api.call('POST', `/v1/workflows/${workflowId}/runs`, { json: body, headers });
  }

  async function countRunRows(workflowId: string): Promise<number> {
    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: string }>(
        'SELECT count(*) AS n FROM runs WHERE workflow_id = $1',
        [workflowId],
      );
      return Number(rows[0]!.n);
    } finally {
      await db.end();
    }
  }

  beforeAll(async () => {
    api = await startApiHarness({ worker: true });
    await register('hello', exampleWithName('hello-world.yaml', `hello-${suffix}`));
    await register('deploy', exampleWithName('deploy-application.yaml', `deploy-${suffix}`));
    await register('approval', exampleWithName('approval.yaml', `approval-${suffix}`));
  });
  afterAll(async () => {
    await api.close();
  });

  it('runs hello-world with its default and with name=Ada', async () => {
    const hello = workflowIds.get('hello')!;
    const outputs: string[] = [];
    for (const inputs of [{}, { name: 'Ada' }]) {
      const started = await start(hello, { inputs });
      expect(started.status).toBe(202);
      expect(started.body.status).toBe('running');
      const run = await waitForRun(api, started.body.runId, isFinished);
      expect(run.status).toBe('succeeded');
      outputs.push(String(run.steps[0]!.outputs.stdout).trim());
    }
    expect(outputs).toEqual(['Hello Developer!', 'Hello Ada!']);

    const listed = await api.call<{ items: { runId: string; status: string }[] }>(
      'GET',
      `/v1/runs?workflowId=${hello}&status=succeeded`,
    );
    expect(listed.body.items.length).toBe(2);
  });

  it('refuses a bad environment before any run row or Temporal workflow exists', async () => {
    const deploy = workflowIds.get('deploy')!;
    const before = await api.temporal.workflow.count();
    const response = await start(deploy, { inputs: { environment: 'qa' } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_inputs');
    expect(response.body.error.details?.problems).toEqual([
      expect.objectContaining({ code: 'input_validation', path: 'inputs.environment' }),
    ]);
    const missing = await start(deploy, { inputs: {} });
    expect(missing.body.error.details?.problems).toEqual([
      expect.objectContaining({ code: 'input_required' }),
    ]);
    expect(await countRunRows(deploy)).toBe(0);
    expect((await api.temporal.workflow.count()).count).toBe(before.count);
  });

  it('plans a dry run without starting anything', async () => {
    const hello = workflowIds.get('hello')!;
    const rowsBefore = await countRunRows(hello);
    const response = await api.call<{
      plan: { stages: string[][]; steps: { rendered?: { argv?: string[] } }[] };
    }>('POST', `/v1/workflows/${hello}/runs`, { json: { inputs: { name: 'Ada' }, dryRun: true } });
    expect(response.status).toBe(200);
    expect(response.body.plan.stages).toEqual([['greet']]);
    expect(response.body.plan.steps[0]!.rendered?.argv).toEqual(['echo', 'Hello Ada!']);
    expect(await countRunRows(hello)).toBe(rowsBefore);
  });

  it('starts one run per Idempotency-Key, even after it finished', async () => {
    const hello = workflowIds.get('hello')!;
    const key = `key-${suffix}`;
    const first = await start(hello, { inputs: { name: 'Once' } }, { 'Idempotency-Key': key });
    const second = await start(hello, { inputs: { name: 'Once' } }, { 'Idempotency-Key': key });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.runId).toBe(first.body.runId);

    await waitForRun(api, first.body.runId, isFinished);
    // The tenant's client: a plain one cannot read the run's encrypted memo.
    const tenantClient = api.app.get(TenantClients).forTenant(api.tenant.id);
    const handle = tenantClient.workflow.getHandle(temporalWorkflowIdFor(first.body.runId));
    const executionBefore = (await handle.describe()).runId;
    const third = await start(hello, { inputs: { name: 'Once' } }, { 'Idempotency-Key': key });
    expect(third.body).toMatchObject({ runId: first.body.runId, status: 'succeeded' });
    expect((await handle.describe()).runId).toBe(executionBefore);
    const executions = await api.temporal.workflow.count(
      `WorkflowId = '${temporalWorkflowIdFor(first.body.runId)}'`,
    );
    expect(executions.count).toBe(1);

    const otherWorkflow = await start(workflowIds.get('approval')!, {}, { 'Idempotency-Key': key });
    expect(otherWorkflow.status).toBe(409);
    expect(otherWorkflow.body.error.code).toBe('idempotency_key_reused');
  });

  it('waits for approval: validates the decision, then approve completes the run', async () => {
    const { body } = await start(workflowIds.get('approval')!, {});
    const runId = body.runId;
    await waitForRun(api, runId, (r) => r.status === 'waiting_approval');

    const decide = (stepId: unknown, decision = 'approve') =>
      api.call<ErrorBody & { approver: string }>('POST', `/v1/runs/${runId}/approvals`, {
        json: { stepId, decision, comment: 'looks fine' },
      });
    const unknownStep = await decide('nope');
    expect([unknownStep.status, unknownStep.body.error.code]).toEqual([404, 'step_not_found']);
    const notWaiting = await decide('apply');
    expect([notWaiting.status, notWaiting.body.error.code]).toEqual([409, 'step_not_waiting']);

    const approved = await decide('request');
    expect(approved.status).toBe(202);
    expect(approved.body.approver).toBe(api.owner.userId);
    const run = await waitForRun(api, runId, isFinished);
    expect(run.status).toBe('succeeded');
    expect(run.steps.find((s) => s.id === 'request')?.outputs).toMatchObject({
      decision: 'approve',
      approver: api.owner.userId,
    });

    const late = await decide('request');
    expect([late.status, late.body.error.code]).toEqual([409, 'run_not_active']);
  });

  it('a rejected approval fails the run', async () => {
    const { body } = await start(workflowIds.get('approval')!, {});
    await waitForRun(api, body.runId, (r) => r.status === 'waiting_approval');
    const rejected = await api.call('POST', `/v1/runs/${body.runId}/approvals`, {
      json: { stepId: 'request', decision: 'reject' },
    });
    expect(rejected.status).toBe(202);
    const run = await waitForRun(api, body.runId, isFinished);
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('approval_rejected');
    expect(run.steps.find((s) => s.id === 'apply')?.status).toBe('skipped');
  });

  it('refuses a decision from someone who is not an approver', async () => {
    const source = [
      `name: guarded-${suffix}`,
      'version: 1.0',
      'steps:',
      '  - id: gate',
      '    type: approval',
      '    approvers: [release-manager]',
    ].join('\n');
    const { body } = await start(await register('guarded', source), {});
    await waitForRun(api, body.runId, (r) => r.status === 'waiting_approval');
    const refused = await api.call<ErrorBody>('POST', `/v1/runs/${body.runId}/approvals`, {
      json: { stepId: 'gate', decision: 'approve' },
    });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'not_an_approver']);
    expect((await api.call('POST', `/v1/runs/${body.runId}/cancel`)).status).toBe(202);
  });

  it('cancels a running run; cancelling it again is a conflict', async () => {
    const source = [
      `name: slow-${suffix}`,
      'version: 1.0',
      'steps:',
      '  - id: wait',
      '    type: shell',
      '    command: sleep 30',
    ].join('\n');
    const { body } = await start(await register('slow', source), {});
    await waitForRun(api, body.runId, (r) => r.steps[0]?.status === 'running');
    const cancel = await api.call<{ cancelRequested: boolean }>('POST', `/v1/runs/${body.runId}/cancel`);
    expect(cancel).toMatchObject({ status: 202, body: { cancelRequested: true } });
    const run: RunBody = await waitForRun(api, body.runId, isFinished, 20_000);
    expect(run.status).toBe('cancelled');
    const again = await api.call<ErrorBody>('POST', `/v1/runs/${body.runId}/cancel`);
    expect([again.status, again.body.error.code]).toEqual([409, 'run_not_active']);

    const listed = await api.call<{ items: { runId: string; status: string }[] }>(
      'GET',
      '/v1/runs?status=cancelled',
    );
    expect(listed.body.items.map((r) => r.runId)).toContain(body.runId);
  });
});
