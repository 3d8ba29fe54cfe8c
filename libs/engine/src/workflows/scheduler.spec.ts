import type { Step } from '@warden/definition';
import type { RunArgs } from '../shared';
import {
  expressionContextOf,
  markFailed,
  markRunning,
  markSkipped,
  markSucceeded,
  newRunState,
} from './run-state';
import { decideReadySteps } from './scheduler';

const NOW = '2025-01-01T00:00:00.000Z';

function setup(steps: Step[], inputs: Record<string, unknown> = {}) {
  const args: RunArgs = {
    runId: 'r',
    tenantId: 't',
    workflowId: 'w',
    workflowName: 'demo',
    workflowVersion: 1,
    inputs,
    profile: 'elevated',
    definition: { name: 'demo', version: '1', inputs: {}, steps },
  };
  const state = newRunState(args, NOW);
  return { state, decide: () => decideReadySteps(steps, state, expressionContextOf(args, state)) };
}

describe('decideReadySteps', () => {
  test('every step without dependencies is ready at once (parallel branches)', () => {
    const { decide } = setup([
      { id: 'a', type: 'noop' },
      { id: 'b', type: 'noop' },
      { id: 'c', type: 'noop', depends_on: ['a', 'b'] },
    ]);
    expect(decide()).toEqual([
      { stepId: 'a', action: 'run' },
      { stepId: 'b', action: 'run' },
    ]);
  });

  test('a step waits until all its dependencies have finished', () => {
    const { state, decide } = setup([
      { id: 'a', type: 'noop' },
      { id: 'b', type: 'noop' },
      { id: 'c', type: 'noop', depends_on: ['a', 'b'] },
    ]);
    markSucceeded(state, 'a', { outputs: {} }, NOW);
    markRunning(state, 'b', NOW);
    expect(decide()).toEqual([]);
    markSucceeded(state, 'b', { outputs: {} }, NOW);
    expect(decide()).toEqual([{ stepId: 'c', action: 'run' }]);
  });

  test('a false `when` skips; a true one runs', () => {
    const { decide } = setup(
      [
        { id: 'prod-only', type: 'noop', when: "inputs.env == 'prod'" },
        { id: 'always', type: 'noop', when: "inputs.env != 'prod'" },
      ],
      { env: 'dev' },
    );
    expect(decide()).toEqual([
      { stepId: 'prod-only', action: 'skip' },
      { stepId: 'always', action: 'run' },
    ]);
  });

  test('dependants of a skipped step are skipped unless their own `when` decides', () => {
    const { state, decide } = setup([
      { id: 'a', type: 'noop' },
      { id: 'plain', type: 'noop', depends_on: ['a'] },
      { id: 'guarded', type: 'noop', depends_on: ['a'], when: "steps.a.status == 'skipped'" },
    ]);
    markSkipped(state, 'a', NOW);
    expect(decide()).toEqual([
      { stepId: 'plain', action: 'skip' },
      { stepId: 'guarded', action: 'run' },
    ]);
  });

  test('a `when` that cannot be evaluated fails the step with expression_error', () => {
    const { decide } = setup([{ id: 'a', type: 'noop', when: 'inputs.x ==' }]);
    expect(decide()).toEqual([
      {
        stepId: 'a',
        action: 'fail',
        error: { code: 'expression_error', message: expect.stringMatching(/^when: /) },
      },
    ]);
  });

  test('after a failure only steps with their own `when` are decided; the rest are skipped', () => {
    const { state, decide } = setup([
      { id: 'tests', type: 'noop' },
      { id: 'deploy', type: 'noop', depends_on: ['tests'], when: 'steps.tests.exit_code == 0' },
      { id: 'notify', type: 'noop', depends_on: ['tests'], when: "steps.tests.status == 'failed'" },
      { id: 'cleanup', type: 'noop', depends_on: ['tests'] },
    ]);
    markFailed(
      state,
      'tests',
      { code: 'exit_nonzero', message: 'exit 1' },
      { outputs: {}, exit_code: 1 },
      false,
      NOW,
    );
    expect(decide()).toEqual([
      { stepId: 'deploy', action: 'skip' },
      { stepId: 'notify', action: 'run' },
      { stepId: 'cleanup', action: 'skip' },
    ]);
  });

  test('a failure marked continue_on_error lets dependants run', () => {
    const { state, decide } = setup([
      { id: 'flaky', type: 'noop', continue_on_error: true },
      { id: 'next', type: 'noop', depends_on: ['flaky'] },
    ]);
    markFailed(state, 'flaky', { code: 'exit_nonzero', message: 'exit 1' }, { outputs: {} }, true, NOW);
    expect(decide()).toEqual([{ stepId: 'next', action: 'run' }]);
  });
});
