import { AuthError, type AuthErrorCode } from '../auth/auth.errors';
import { HealthError, type HealthErrorCode } from '../health/health.errors';
import { RunError, type RunErrorCode } from '../runs/runs.errors';
import { WorkflowError, type WorkflowErrorCode } from '../workflows/workflows.errors';
import { RequestError, type RequestErrorCode } from './request.errors';

export type ApiErrorCode =
  RequestErrorCode | AuthErrorCode | WorkflowErrorCode | RunErrorCode | HealthErrorCode;

export type KnownError = RequestError | AuthError | WorkflowError | RunError | HealthError;

export function isKnownError(err: unknown): err is KnownError {
  return (
    err instanceof RequestError ||
    err instanceof AuthError ||
    err instanceof WorkflowError ||
    err instanceof RunError ||
    err instanceof HealthError
  );
}

/** Every code has exactly one status; adding a code without a status does not compile. */
export function httpStatusFor(code: ApiErrorCode): number {
  switch (code) {
    case 'invalid_request':
    case 'malformed_json':
    case 'invalid_definition':
    case 'workflow_name_mismatch':
    case 'invalid_inputs':
    case 'profile_violation':
      return 400;
    case 'permission_not_declared':
    case 'not_an_approver':
      return 403;
    case 'route_not_found':
    case 'workflow_not_found':
    case 'version_not_found':
    case 'run_not_found':
    case 'step_not_found':
      return 404;
    case 'method_not_allowed':
      return 405;
    case 'request_timeout':
      return 408;
    case 'workflow_exists':
    case 'concurrent_update':
    case 'idempotency_key_reused':
    case 'run_not_active':
    case 'step_not_waiting':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'headers_too_large':
      return 431;
    case 'internal_error':
    case 'missing_identity':
      return 500;
    case 'engine_unavailable':
    case 'not_ready':
      return 503;
    default: {
      const unhandled: never = code;
      throw new Error(`no HTTP status for error code ${String(unhandled)}`);
    }
  }
}
