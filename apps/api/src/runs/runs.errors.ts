import { ApiError, type ProblemDetail } from '../http/api-error';

export type RunErrorCode =
  | 'run_not_found'
  | 'invalid_inputs'
  | 'profile_violation'
  | 'idempotency_key_reused'
  | 'run_not_active'
  | 'step_not_found'
  | 'step_not_waiting'
  | 'not_an_approver'
  | 'engine_unavailable';

export class RunError extends ApiError<RunErrorCode> {}

/** The answer for a run id that is not a UUID (see UuidParam). */
export function malformedRunId(problem: ProblemDetail): RunError {
  const message = `no run has this id: ${problem.path} ${problem.message}`;
  return new RunError('run_not_found', message, { problems: [problem] });
}
