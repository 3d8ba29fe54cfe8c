import type { RunArgs } from '../shared';
import {
  closeRemainingSteps,
  expressionContextOf,
  finishRun,
  markFailed,
  markRunning,
  markSucceeded,
  markWaiting,
  newRunState,
  runFailed,
} from './run-state';

const NOW = '2025-01-01T00:00:00.000Z';

function args(): RunArgs {
  return {
    runId: 'r1',
    tenantId: 't1',
    workflowId: 'w1',
    workflowName: 'demo',
    workflowVersion: 1,
    inputs: { who: 'Ada' },
    profile: 'elevated',
    definition: {
      name: 'demo',
      version: '1.0',
      inputs: {},
      steps: [
        { id: 'a', type: 'noop' },
        { id: 'b', type: 'approval', depends_on: ['a'] },
        { id: 'c', type: 'noop', depends_on: ['b'] },
      ],
    },
  };
}

describe('run state transitions', () => {
  test('a new run lists every step as pending, in definition order', () => {
    const state = newRunState(args(), NOW);
    expect(state).toMatchObject({ runId: 'r1', status: 'running', order: ['a', 'b', 'c'], startedAt: NOW });
    expect(Object.values(state.steps).map((s) => s.status)).toEqual(['pending', 'pending', 'pending']);
  });

  test('a waiting step puts the run in waiting_approval until it is decided', () => {
    const state = newRunState(args(), NOW);
    markRunning(state, 'b', NOW);
    markWaiting(state, 'b', { message: 'ok?' });
    expect(state.status).toBe('waiting_approval');
    expect(state.steps.b.outputs).toEqual({ message: 'ok?' });
    markSucceeded(state, 'b', { outputs: { decision: 'approve' } }, NOW);
    expect(state.status).toBe('running');
  });

  test('the first failure of a step without continue_on_error becomes the run error', () => {
    const state = newRunState(args(), NOW);
    markFailed(state, 'a', { code: 'exit_nonzero', message: 'x' }, { exit_code: 2 }, true, NOW);
    expect(runFailed(state)).toBe(false);
    expect(state.steps.a).toMatchObject({ status: 'failed', exit_code: 2 });
    markFailed(state, 'b', { code: 'approval_rejected', message: 'no' }, {}, false, NOW);
    markFailed(state, 'c', { code: 'timeout', message: 'late' }, {}, false, NOW);
    expect(state.error).toEqual({ code: 'approval_rejected', message: 'no', stepId: 'b' });
  });

  test('closing a run skips what never started and cancels what was running', () => {
    const state = newRunState(args(), NOW);
    markSucceeded(state, 'a', { outputs: {} }, NOW);
    markRunning(state, 'b', NOW);
    markWaiting(state, 'b', {});
    closeRemainingSteps(state, NOW);
    expect(state.steps.a.status).toBe('succeeded');
    expect(state.steps.b.status).toBe('cancelled');
    expect(state.steps.c).toMatchObject({ status: 'skipped', finishedAt: NOW });
    finishRun(state, 'cancelled', NOW);
    expect(state).toMatchObject({ status: 'cancelled', finishedAt: NOW });
  });

  test('expressions see step status, outputs and exit codes by value', () => {
    const a = args();
    const state = newRunState(a, NOW);
    markSucceeded(state, 'a', { outputs: { n: 1 }, exit_code: 0 }, NOW);
    const ctx = expressionContextOf(a, state);
    expect(ctx.inputs).toEqual({ who: 'Ada' });
    expect(ctx.steps.a).toEqual({ status: 'succeeded', outputs: { n: 1 }, exit_code: 0 });
    expect(ctx.steps.b).toEqual({ status: 'pending', outputs: {} });
    expect(ctx.run).toEqual({ id: 'r1', workflow: 'demo' });
  });
});
