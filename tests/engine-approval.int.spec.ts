import { approvalSignal } from '@warden/engine';
import {
  aWorkflow,
  startEngineHarness,
  waitForState,
  type EngineHarness,
  type StartedRun,
} from './engine-harness';

// Real servers and processes: Jest's 5 s default is too short (a project-level testTimeout is ignored).
jest.setTimeout(60_000);

let h: EngineHarness;

beforeAll(async () => {
  h = await startEngineHarness();
});

afterAll(async () => {
  await h?.close();
});

function approvalFlow(extra: Record<string, unknown> = {}) {
  return aWorkflow([
    { id: 'build', type: 'transform', output: { artifact: 'app-1.2.3' } },
    {
      id: 'gate',
      type: 'approval',
      depends_on: ['build'],
      message: 'Ship {{ steps.build.outputs.artifact }}?',
      ...extra,
    },
    {
      id: 'ship',
      type: 'log',
      depends_on: ['gate'],
      message: 'shipped by {{ steps.gate.outputs.approver }}',
    },
  ]);
}

async function waitingOn(run: StartedRun, stepId: string): Promise<void> {
  const state = await waitForState(run, (s) => s.steps[stepId]?.status === 'waiting');
  expect(state.status).toBe('waiting_approval');
  expect(state.steps[stepId].outputs).toEqual({ message: 'Ship app-1.2.3?' });
}

describe('approval steps', () => {
  test('the run waits, an approval completes it and is recorded', async () => {
    const run = await h.start(approvalFlow({ approvers: ['alice', 'bob'] }));
    await waitingOn(run, 'gate');
    // Not an approver, and a step that is not waiting: both ignored, the run keeps waiting.
    await run.handle.signal(approvalSignal, { stepId: 'gate', decision: 'approve', approver: 'mallory' });
    await run.handle.signal(approvalSignal, { stepId: 'ship', decision: 'approve', approver: 'alice' });
    expect((await run.state()).steps.gate.status).toBe('waiting');

    await run.handle.signal(approvalSignal, {
      stepId: 'gate',
      decision: 'approve',
      approver: 'alice',
      comment: 'go',
    });
    const state = await run.finalState();
    expect(state.status).toBe('succeeded');
    expect(state.steps.gate).toMatchObject({
      status: 'succeeded',
      outputs: { message: 'Ship app-1.2.3?', decision: 'approve', approver: 'alice', comment: 'go' },
      approval: { decision: 'approve', approver: 'alice', comment: 'go' },
    });
    expect(state.steps.ship.outputs).toEqual({ message: 'shipped by alice' });
  });

  test('a rejection fails the run', async () => {
    const run = await h.start(approvalFlow());
    await waitingOn(run, 'gate');
    await run.handle.signal(approvalSignal, {
      stepId: 'gate',
      decision: 'reject',
      approver: 'carol',
      comment: 'not today',
    });
    const state = await run.finalState();
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({ code: 'approval_rejected', stepId: 'gate' });
    expect(state.steps.gate.approval).toMatchObject({ decision: 'reject', approver: 'carol' });
    expect(state.steps.ship.status).toBe('skipped');
  });

  test('without a decision the approval times out', async () => {
    const run = await h.start(approvalFlow({ timeout: 2 }));
    await waitingOn(run, 'gate');
    const state = await run.finalState();
    expect(state.status).toBe('failed');
    expect(state.steps.gate.error?.code).toBe('approval_timeout');
  });
});
