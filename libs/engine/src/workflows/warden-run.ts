/**
 * The one generic Temporal workflow: it interprets a pinned Warden definition. Deterministic:
 * no I/O, no Node built-ins; side effects happen only in activities (see executors.ts).
 */
import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  patched,
  setHandler,
} from '@temporalio/workflow';
import {
  planWorkflow,
  profileAllows,
  type ApprovalStep,
  type PluginStep,
  type Step,
} from '@warden/definition/runtime';
import { approvalSignal, RUN_FAILED_ERROR_TYPE, runStateQuery, type RunArgs, type RunState } from '../shared';
import { ApprovalInbox } from './approvals';
import { executePluginChain, executeStep, type ExecutionEnv } from './executors';
import { PLUGIN_CHAINS_PATCH, pluginChainFrom } from './plugin-chains';
import {
  expressionContextOf,
  finishRun,
  markFailed,
  markPendingAgain,
  markRunning,
  markSkipped,
  markStepCancelled,
  markSucceeded,
  markWaiting,
  newRunState,
  runFailed,
  type StepOutcome,
} from './run-state';
import { decideReadySteps } from './scheduler';
import { STEP_ERROR_CODES, StepFailure, toStepFailure } from './step-failure';
import { stepOutputsOf } from '../step-outputs';

/** Workflow time: deterministic, recorded in history. */
function now(): string {
  return new Date().toISOString();
}

function runOneStep(step: Step, env: ExecutionEnv): Promise<StepOutcome> {
  // Checked here and again inside every activity: defense in depth.
  if (!profileAllows(env.args.profile, step.type)) {
    return Promise.reject(
      new StepFailure(
        STEP_ERROR_CODES.profileViolation,
        `security profile '${env.args.profile}' does not allow '${step.type}' steps`,
      ),
    );
  }
  return executeStep(step, env);
}

function approvalStepsOf(steps: readonly Step[]): Map<string, ApprovalStep> {
  const map = new Map<string, ApprovalStep>();
  for (const step of steps) if (step.type === 'approval') map.set(step.id, step as ApprovalStep);
  return map;
}

export async function wardenRun(args: RunArgs): Promise<RunState> {
  const steps = args.definition.steps;
  const state = newRunState(args, now());
  const approvals = new ApprovalInbox(state, approvalStepsOf(steps));
  setHandler(runStateQuery, () => state);
  setHandler(approvalSignal, (decision) => {
    approvals.receive(decision);
  });

  if (args.profile === 'plan_only') {
    state.plan = planWorkflow(args.definition, args.inputs, { runId: args.runId });
    finishRun(state, 'succeeded', now());
    return state;
  }

  const env: ExecutionEnv = {
    args,
    context: () => expressionContextOf(args, state),
    approvals,
    onWaiting: (stepId, outputs) => markWaiting(state, stepId, outputs),
    now,
  };
  /** Step id -> settles (never rejects) once the step's outcome is recorded in the run state. */
  const running = new Map<string, Promise<void>>();
  // One cancellation scope holds every running step, and cancelling it stops exactly those
  // (all a scope per step was used for). Each workflow promise costs the SDK a stack capture,
  // so fewer promises per step is CPU per run (docs/benchmarks.md, finding 3).
  let stepScope = new CancellationScope();

  const failStep = (step: Step, err: unknown): void => {
    const failure = toStepFailure(err);
    const error = { code: failure.code, message: failure.message };
    markFailed(state, step.id, error, failure.outcome, step.continue_on_error === true, now());
  };

  const runStep = async (step: Step, scope: CancellationScope): Promise<void> => {
    try {
      const outcome = await scope.run(() => runOneStep(step, env));
      markSucceeded(state, step.id, outcome, now());
    } catch (err) {
      // Only our own cancellation (run cancelled or stopped after a failure) cancels a step.
      if (isCancellation(err) && scope.consideredCancelled) {
        markStepCancelled(state, step.id, now());
        return;
      }
      failStep(step, err);
    } finally {
      running.delete(step.id);
    }
  };

  const start = (step: Step): void => {
    markRunning(state, step.id, now());
    running.set(step.id, runStep(step, stepScope));
  };

  /** Like runStep, for chained plugin steps: each member ends up as it would have alone. */
  const runChain = async (chain: PluginStep[], scope: CancellationScope): Promise<void> => {
    const unfinished = new Set(chain.map((s) => s.id));
    try {
      const result = await scope.run(() => executePluginChain(chain, env));
      for (const entry of result.steps) {
        const step = chain.find((s) => s.id === entry.stepId);
        if (step === undefined || !unfinished.delete(step.id)) continue;
        if ('output' in entry) {
          markSucceeded(state, step.id, { outputs: stepOutputsOf(entry.output), attempts: 1 }, now());
        } else {
          failStep(step, ApplicationFailure.create({ ...entry.failure, nonRetryable: true }));
        }
      }
      // Members after a failure did not run: decided again, like any step after a failed one.
      for (const id of unfinished) markPendingAgain(state, id);
    } catch (err) {
      const cancelled = isCancellation(err) && scope.consideredCancelled;
      // Without a result nobody knows which members ran: a cancelled chain cancels them all, a
      // failed one (the worker shutting down, its deadline) fails them all with its error.
      for (const step of chain) {
        if (!unfinished.has(step.id)) continue;
        if (cancelled) markStepCancelled(state, step.id, now());
        else failStep(step, err);
      }
    } finally {
      for (const step of chain) running.delete(step.id);
    }
  };

  const pinned = (stepId: string): boolean => args.plugins?.[stepId] !== undefined;
  /** A plugin step takes the plugin steps chained behind it along (plugin-chains.ts). */
  const startWithChain = (step: Step): void => {
    // A profile that refuses plugin steps fails each one alone, as runOneStep says.
    const chain =
      step.type === 'plugin' && profileAllows(args.profile, 'plugin')
        ? pluginChainFrom(step, steps, state, pinned)
        : [step];
    // patched() only where a chain forms: every other history stays exactly as it was.
    if (chain.length < 2 || !patched(PLUGIN_CHAINS_PATCH)) {
      start(step);
      return;
    }
    for (const member of chain) markRunning(state, member.id, now());
    const settled = runChain(chain as PluginStep[], stepScope);
    for (const member of chain) running.set(member.id, settled);
  };

  // The first failure ends the run: steps still running are cancelled, and from then on only
  // steps whose own `when` holds may start (see decideReadySteps), in a fresh scope.
  let stoppedAfterFailure = false;
  const stopAfterFailure = (): void => {
    if (stoppedAfterFailure || !runFailed(state)) return;
    stoppedAfterFailure = true;
    stepScope.cancel();
    stepScope = new CancellationScope();
  };

  // Applies decisions until none is left: a skip can make further steps ready at once, and a
  // failure changes what the remaining steps decide, so decisions are taken again after one.
  const scheduleReadySteps = (): void => {
    for (;;) {
      const decisions = decideReadySteps(steps, state, expressionContextOf(args, state));
      if (decisions.length === 0) return;
      for (const decision of decisions) {
        const step = steps.find((s) => s.id === decision.stepId);
        if (step === undefined) continue;
        const failedBefore = runFailed(state);
        if (decision.action === 'run') startWithChain(step);
        else if (decision.action === 'skip') markSkipped(state, step.id, now());
        else markFailed(state, step.id, decision.error, {}, step.continue_on_error === true, now());
        if (!failedBefore && runFailed(state)) break;
      }
      stopAfterFailure();
    }
  };

  try {
    for (;;) {
      stopAfterFailure();
      scheduleReadySteps();
      if (running.size === 0) break;
      await Promise.race([CancellationScope.current().cancelRequested, ...running.values()]);
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // The run was cancelled; step scopes are children of the root scope, so they were cancelled
    // too. Wait until their activities confirm (their processes are dead) before closing.
    await Promise.all(running.values());
    finishRun(state, 'cancelled', now());
    throw err;
  }

  if (runFailed(state)) {
    finishRun(state, 'failed', now());
    const error = state.error;
    throw ApplicationFailure.create({
      type: RUN_FAILED_ERROR_TYPE,
      nonRetryable: true,
      message: error?.stepId === undefined ? 'run failed' : `step '${error.stepId}' failed: ${error.message}`,
      details: [state],
    });
  }
  finishRun(state, 'succeeded', now());
  return state;
}
