/**
 * How a step fails: one error class thrown by step executors, and the mapping from Temporal
 * activity failures to the stable step error codes clients see.
 */
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { ExpressionError } from '@warden/definition/runtime';
import { ACTIVITY_ERROR_TYPES, PLUGIN_FAILURE_TYPE_PREFIX } from '../activity-contract';
import type { StepOutcome } from './run-state';

/** Stable step error codes; never rename one. */
export const STEP_ERROR_CODES = {
  assertionFailed: 'assertion_failed',
  approvalRejected: 'approval_rejected',
  approvalTimeout: 'approval_timeout',
  timeout: 'timeout',
  exitNonZero: 'exit_nonzero',
  httpStatus: 'http_status',
  httpRequestFailed: 'http_request_failed',
  profileViolation: 'profile_violation',
  expressionError: 'expression_error',
  invalidRequest: 'invalid_request',
  invalidCommand: 'invalid_command',
  spawnFailed: 'spawn_failed',
  workerLost: 'worker_lost',
  unsupportedStepType: 'unsupported_step_type',
  activityFailed: 'activity_failed',
  pluginNotPinned: 'plugin_not_pinned',
  pluginUnavailable: 'plugin_unavailable',
  secretUnreadable: 'secret_unreadable',
  credentialNotFound: 'credential_not_found',
  credentialUnreadable: 'credential_unreadable',
  credentialUnsupported: 'credential_unsupported',
  credentialHeaderConflict: 'credential_header_conflict',
  credentialTokenFailed: 'credential_token_failed',
} as const;
/** The fixed codes, plus `plugin_<kind>` for each sandbox failure kind (`plugin_timeout`). */
export type StepErrorCode = (typeof STEP_ERROR_CODES)[keyof typeof STEP_ERROR_CODES] | `plugin_${string}`;

/** `Plugin:output-too-large` -> `plugin_output_too_large`; `Plugin:plugin-error` -> `plugin_error`. */
export function pluginStepErrorCode(type: string): StepErrorCode | undefined {
  if (!type.startsWith(PLUGIN_FAILURE_TYPE_PREFIX)) return undefined;
  const kind = type.slice(PLUGIN_FAILURE_TYPE_PREFIX.length).replace(/^plugin-/, '');
  return /^[a-z-]{1,40}$/.test(kind) ? `plugin_${kind.replace(/-/g, '_')}` : undefined;
}

export class StepFailure extends Error {
  constructor(
    readonly code: StepErrorCode,
    message: string,
    readonly outcome: Partial<StepOutcome> = {},
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Step outputs an activity attached to its failure (stdout of a failing command, an http body). */
function outcomeFromDetails(
  type: string | undefined | null,
  details: readonly unknown[] | null | undefined,
): Partial<StepOutcome> {
  const detail = details?.[0];
  if (!isRecord(detail)) return {};
  const outcome: Partial<StepOutcome> = {};
  if (typeof detail.attempt === 'number') outcome.attempts = detail.attempt;
  if (typeof detail.exit_code === 'number') outcome.exit_code = detail.exit_code;
  if (type === ACTIVITY_ERROR_TYPES.httpStatus) {
    outcome.outputs = { status: detail.status, headers: detail.headers, body: detail.body };
  } else if ('stdout' in detail || 'stderr' in detail) {
    outcome.outputs = { stdout: detail.stdout, stderr: detail.stderr, truncated: detail.truncated };
  }
  return outcome;
}

const CODE_BY_TYPE: Record<string, StepErrorCode> = {
  [ACTIVITY_ERROR_TYPES.shellExitNonZero]: STEP_ERROR_CODES.exitNonZero,
  [ACTIVITY_ERROR_TYPES.stepTimeout]: STEP_ERROR_CODES.timeout,
  [ACTIVITY_ERROR_TYPES.httpStatus]: STEP_ERROR_CODES.httpStatus,
  [ACTIVITY_ERROR_TYPES.httpRequestFailed]: STEP_ERROR_CODES.httpRequestFailed,
  [ACTIVITY_ERROR_TYPES.profileViolation]: STEP_ERROR_CODES.profileViolation,
  [ACTIVITY_ERROR_TYPES.invalidRequest]: STEP_ERROR_CODES.invalidRequest,
  [ACTIVITY_ERROR_TYPES.spawnFailed]: STEP_ERROR_CODES.spawnFailed,
  [ACTIVITY_ERROR_TYPES.workerShutdown]: STEP_ERROR_CODES.workerLost,
  [ACTIVITY_ERROR_TYPES.pluginUnavailable]: STEP_ERROR_CODES.pluginUnavailable,
  [ACTIVITY_ERROR_TYPES.secretUnreadable]: STEP_ERROR_CODES.secretUnreadable,
  [ACTIVITY_ERROR_TYPES.credentialNotFound]: STEP_ERROR_CODES.credentialNotFound,
  [ACTIVITY_ERROR_TYPES.credentialUnreadable]: STEP_ERROR_CODES.credentialUnreadable,
  [ACTIVITY_ERROR_TYPES.credentialUnsupported]: STEP_ERROR_CODES.credentialUnsupported,
  [ACTIVITY_ERROR_TYPES.credentialHeaderConflict]: STEP_ERROR_CODES.credentialHeaderConflict,
  [ACTIVITY_ERROR_TYPES.credentialTokenFailed]: STEP_ERROR_CODES.credentialTokenFailed,
  [ACTIVITY_ERROR_TYPES.expressionError]: STEP_ERROR_CODES.expressionError,
};

/**
 * A dead worker stops heartbeating, a stopping one reports WorkerShutdown: either way the step
 * is handed to another worker rather than failed.
 */
export function isWorkerLoss(err: unknown): boolean {
  if (!(err instanceof ActivityFailure)) return false;
  const cause = err.cause;
  if (cause instanceof TimeoutFailure) return cause.timeoutType === 'HEARTBEAT';
  return cause instanceof ApplicationFailure && cause.type === ACTIVITY_ERROR_TYPES.workerShutdown;
}

function fromApplicationFailure(cause: ApplicationFailure): StepFailure {
  const code =
    (cause.type && (CODE_BY_TYPE[cause.type] ?? pluginStepErrorCode(cause.type))) ||
    STEP_ERROR_CODES.activityFailed;
  return new StepFailure(code, cause.message, outcomeFromDetails(cause.type, cause.details));
}

/** Turns anything a step executor threw (other than cancellation) into a StepFailure. */
export function toStepFailure(err: unknown): StepFailure {
  if (err instanceof StepFailure) return err;
  if (err instanceof ExpressionError) return new StepFailure(STEP_ERROR_CODES.expressionError, err.message);
  // A local activity's failure (plugin steps) may arrive as the ApplicationFailure itself.
  if (err instanceof ApplicationFailure) return fromApplicationFailure(err);
  if (err instanceof ActivityFailure) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) return fromApplicationFailure(cause);
    if (cause instanceof TimeoutFailure) {
      return cause.timeoutType === 'HEARTBEAT'
        ? new StepFailure(STEP_ERROR_CODES.workerLost, 'the worker running this step stopped responding')
        : new StepFailure(
            STEP_ERROR_CODES.timeout,
            `step timed out (${(cause.timeoutType ?? 'start_to_close').toLowerCase()})`,
          );
    }
    return new StepFailure(STEP_ERROR_CODES.activityFailed, cause?.message ?? err.message);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new StepFailure(STEP_ERROR_CODES.activityFailed, message);
}
