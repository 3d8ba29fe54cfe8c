/**
 * Which steps can move now. Pure: the workflow applies the decisions and asks again, since a
 * skip can unlock further steps.
 */
import { evaluateExpression, type ExpressionContext, type Step } from '@warden/definition/runtime';
import type { RunState, StepError } from '../shared';
import { isTerminal, runFailed } from './run-state';

export type Decision =
  | { stepId: string; action: 'run' }
  | { stepId: string; action: 'skip' }
  | { stepId: string; action: 'fail'; error: StepError };

function whenHolds(step: Step, ctx: ExpressionContext): Decision {
  try {
    const holds = Boolean(evaluateExpression(step.when ?? 'true', ctx));
    return { stepId: step.id, action: holds ? 'run' : 'skip' };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      stepId: step.id,
      action: 'fail',
      error: { code: 'expression_error', message: `when: ${message}` },
    };
  }
}

/**
 * Every pending step whose dependencies have all finished, in definition order. A step with its
 * own `when` is decided by that expression alone (it can look at `steps.<id>.status` and
 * `exit_code`), even after a dependency failed or was skipped: that is how a definition says
 * "deploy only if the tests passed" or "notify when deploy failed". A step without `when` is
 * skipped when a dependency was skipped, cancelled or failed (failures marked
 * `continue_on_error` count as done), and once the run has failed.
 */
export function decideReadySteps(
  steps: readonly Step[],
  state: RunState,
  ctx: ExpressionContext,
): Decision[] {
  const decisions: Decision[] = [];
  for (const step of steps) {
    if (state.steps[step.id]?.status !== 'pending') continue;
    const deps = (step.depends_on ?? []).map((id) => state.steps[id]);
    if (deps.some((d) => d === undefined || !isTerminal(d.status))) continue;
    if (step.when !== undefined) {
      decisions.push(whenHolds(step, ctx));
      continue;
    }
    const blocked = deps.some((d) => d?.status === 'skipped' || d?.status === 'cancelled');
    decisions.push({ stepId: step.id, action: blocked || runFailed(state) ? 'skip' : 'run' });
  }
  return decisions;
}
