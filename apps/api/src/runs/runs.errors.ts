import { ApiError } from '../http/api-error';

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
