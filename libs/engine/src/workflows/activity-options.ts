import {
  ActivityCancellationType,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { StepBase } from '@warden/definition/runtime';
import { ACTIVITY_ERROR_TYPES } from '../activity-contract';

export const DEFAULT_STEP_TIMEOUT_SECONDS = 300;
/** Short, so a killed worker's steps move to another worker within seconds (activities beat every ~2 s). */
export const HEARTBEAT_TIMEOUT_MS = 10_000;

/** Failures no retry can fix; listed here too so a misbehaving activity cannot loop. */
const NON_RETRYABLE = [
  ACTIVITY_ERROR_TYPES.profileViolation,
  ACTIVITY_ERROR_TYPES.invalidRequest,
  ACTIVITY_ERROR_TYPES.spawnFailed,
  ACTIVITY_ERROR_TYPES.pluginUnavailable,
];

function seconds(value: number): number {
  // Temporal rejects zero intervals; a 0 s delay means "retry at once".
  return Math.max(1, Math.round(value * 1000));
}

/** Maps a step's `timeout` and `retry` onto Temporal activity options. */
export function activityOptionsFor(step: Pick<StepBase, 'timeout' | 'retry'>): ActivityOptions {
  const retry = step.retry;
  const initialInterval = seconds(retry?.delay ?? 1);
  const maximumInterval =
    retry?.max_delay === undefined ? undefined : Math.max(initialInterval, seconds(retry.max_delay));
  return {
    startToCloseTimeout: seconds(step.timeout ?? DEFAULT_STEP_TIMEOUT_SECONDS),
    heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
    // Set explicitly: left unset, the command defaults to TRY_CANCEL, and a cancelled run would
    // close while its processes still run.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: {
      maximumAttempts: retry?.attempts ?? 1,
      initialInterval,
      backoffCoefficient: Math.max(1, retry?.backoff ?? 2),
      ...(maximumInterval === undefined ? {} : { maximumInterval }),
      nonRetryableErrorTypes: NON_RETRYABLE,
    },
  };
}

/**
 * Plugin steps run as local activities: the job is dispatched by the worker that holds the
 * workflow task, to that worker's warm sandbox pool, with no server round trip per step. The
 * result is still recorded in history (a marker); a worker that dies mid-step loses the workflow
 * task, and the next worker runs the step again. Plugin limits (seconds) keep it short.
 */
export function localActivityOptionsFor(step: Pick<StepBase, 'timeout' | 'retry'>): LocalActivityOptions {
  const { startToCloseTimeout, cancellationType, retry } = activityOptionsFor(step);
  return {
    startToCloseTimeout,
    ...(cancellationType === undefined ? {} : { cancellationType }),
    ...(retry === undefined ? {} : { retry }),
  };
}
