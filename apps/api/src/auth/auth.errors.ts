import { ApiError } from '../http/api-error';

export type AuthErrorCode =
  /** A route without RequirePermission or Public: a server bug, refused before anything runs. */
  | 'permission_not_declared'
  | 'missing_identity'
  /** No bearer token where one is required. */
  | 'unauthenticated'
  /** A token that does not verify; `details.reason` says why (expired, bad signature, ...). */
  | 'invalid_token'
  /** Authenticated, but the caller lacks the permission (`details.permission`). */
  | 'forbidden'
  /** The tenant requires MFA for the caller's role and this session has not passed it. */
  | 'mfa_required'
  /** A tenant quota; `details.retryAfterSeconds` becomes the Retry-After header. */
  | 'quota_exceeded';

export class AuthError extends ApiError<AuthErrorCode> {}
