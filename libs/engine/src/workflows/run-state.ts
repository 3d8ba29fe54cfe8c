/**
 * Pure transitions of a run's state. The workflow owns one RunState object, mutates it only
 * through these functions, and hands it out as is to the runState query.
 */
import type { ExpressionContext, StepStatus, StepView } from '@warden/definition/runtime';
import type { RunArgs, RunState, StepApproval, StepError, StepState } from '../shared';

/** What a finished step produced. */
export interface StepOutcome {
  outputs: Record<string, unknown>;
  exit_code?: number;
  attempts?: number;
  approval?: StepApproval;
}

const TERMINAL: ReadonlySet<StepStatus> = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);

export function isTerminal(status: StepStatus): boolean {
  return TERMINAL.has(status);
}

export function newRunState(args: RunArgs, now: string): RunState {
  const steps: Record<string, StepState> = {};
  for (const step of args.definition.steps) {
    steps[step.id] = { id: step.id, type: step.type, status: 'pending', outputs: {} };
  }
  return {
    runId: args.runId,
    status: 'running',
    steps,
    order: args.definition.steps.map((s) => s.id),
    startedAt: now,
  };
}

/** What `{{ }}` templates and `when` expressions see. Copies, so expressions cannot touch state. */
export function expressionContextOf(args: RunArgs, state: RunState): ExpressionContext {
  const steps: Record<string, StepView> = {};
  for (const s of Object.values(state.steps)) {
    steps[s.id] = {
      status: s.status,
      outputs: s.outputs,
      ...(s.exit_code === undefined ? {} : { exit_code: s.exit_code }),
    };
  }
  return { inputs: args.inputs, steps, run: { id: args.runId, workflow: args.workflowName } };
}

function stepOf(state: RunState, stepId: string): StepState {
  const step = state.steps[stepId];
  if (step === undefined) throw new Error(`unknown step '${stepId}'`);
  return step;
}

/** 'waiting_approval' while any step waits for a person, else 'running'. */
export function refreshRunStatus(state: RunState): void {
  if (state.status !== 'running' && state.status !== 'waiting_approval') return;
  const waiting = Object.values(state.steps).some((s) => s.status === 'waiting');
  state.status = waiting ? 'waiting_approval' : 'running';
}

export function markRunning(state: RunState, stepId: string, now: string): void {
  const step = stepOf(state, stepId);
  step.status = 'running';
  step.startedAt = now;
}

/** A chained step the chain stopped before (an earlier member failed): the scheduler decides it again. */
export function markPendingAgain(state: RunState, stepId: string): void {
  const step = stepOf(state, stepId);
  step.status = 'pending';
  delete step.startedAt;
}

export function markWaiting(state: RunState, stepId: string, outputs: Record<string, unknown>): void {
  const step = stepOf(state, stepId);
  step.status = 'waiting';
  step.outputs = outputs;
  refreshRunStatus(state);
}

function applyOutcome(step: StepState, outcome: Partial<StepOutcome>): void {
  if (outcome.outputs !== undefined) step.outputs = outcome.outputs;
  if (outcome.exit_code !== undefined) step.exit_code = outcome.exit_code;
  if (outcome.attempts !== undefined) step.attempts = outcome.attempts;
  if (outcome.approval !== undefined) step.approval = outcome.approval;
}

export function markSucceeded(state: RunState, stepId: string, outcome: StepOutcome, now: string): void {
  const step = stepOf(state, stepId);
  applyOutcome(step, outcome);
  step.status = 'succeeded';
  step.finishedAt = now;
  refreshRunStatus(state);
}

/**
 * Records a step failure. Unless the step tolerates failure, the first one becomes the run's
 * error, which stops scheduling (see runFailed).
 */
export function markFailed(
  state: RunState,
  stepId: string,
  error: StepError,
  outcome: Partial<StepOutcome>,
  continueOnError: boolean,
  now: string,
): void {
  const step = stepOf(state, stepId);
  applyOutcome(step, outcome);
  step.status = 'failed';
  step.error = error;
  step.finishedAt = now;
  if (!continueOnError && state.error === undefined) {
    state.error = { code: error.code, message: error.message, stepId };
  }
  refreshRunStatus(state);
}

export function markSkipped(state: RunState, stepId: string, now: string): void {
  const step = stepOf(state, stepId);
  step.status = 'skipped';
  step.finishedAt = now;
}

export function markStepCancelled(state: RunState, stepId: string, now: string): void {
  const step = stepOf(state, stepId);
  step.status = 'cancelled';
  step.finishedAt = now;
  refreshRunStatus(state);
}

export function runFailed(state: RunState): boolean {
  return state.error !== undefined;
}

/** At the end of a failed or cancelled run: what never started is skipped, what ran is cancelled. */
export function closeRemainingSteps(state: RunState, now: string): void {
  for (const step of Object.values(state.steps)) {
    if (step.status === 'pending') markSkipped(state, step.id, now);
    else if (step.status === 'running' || step.status === 'waiting') markStepCancelled(state, step.id, now);
  }
}

export function finishRun(state: RunState, status: 'succeeded' | 'failed' | 'cancelled', now: string): void {
  closeRemainingSteps(state, now);
  state.status = status;
  state.finishedAt = now;
}
