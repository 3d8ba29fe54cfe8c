import type { AuthzError, AuthzErrorCode } from '@warden/authz';
import { ApiError, type ProblemDetail } from '../http/api-error';

/**
 * Errors of the access administration routes (users, custom roles, grants). The refusals of
 * @warden/authz keep their codes (`escalation`, `role_cycle`, ...), so clients see the same code
 * whichever route applied the rule.
 */
export type UserAdminErrorCode =
  | AuthzErrorCode
  | 'user_not_found'
  | 'user_exists'
  | 'role_not_found'
  | 'role_exists'
  /** A custom role still held by users or extended by another role. */
  | 'role_in_use'
  | 'grant_not_found'
  | 'grant_exists'
  /** The grant's principal (user or API key) is not in the tenant. */
  | 'principal_not_found'
  /** The granted resource is not in the tenant. */
  | 'resource_not_found';

export class UserAdminError extends ApiError<UserAdminErrorCode> {}

/** An authz refusal as an API error, with what it names (missing permissions, the cycle). */
export function fromAuthzError(err: AuthzError, path?: string): UserAdminError {
  const { missing, cycle, subject } = err.details;
  const details: Record<string, unknown> = {};
  if (missing !== undefined) details.missing = [...missing];
  if (cycle !== undefined) details.cycle = [...cycle];
  if (subject !== undefined) details.subject = subject;
  if (path !== undefined) details.problems = [{ path, message: err.message, code: err.code }];
  return new UserAdminError(err.code, err.message, details);
}

export function malformedUserId(problem: ProblemDetail): UserAdminError {
  return new UserAdminError('user_not_found', `no user has this id: ${problem.path} ${problem.message}`, {
    problems: [problem],
  });
}

export function malformedGrantId(problem: ProblemDetail): UserAdminError {
  return new UserAdminError('grant_not_found', `no grant has this id: ${problem.path} ${problem.message}`, {
    problems: [problem],
  });
}
