import { ApiError, type ProblemDetail } from '../http/api-error';

export type TenantErrorCode =
  | 'tenant_not_found'
  | 'tenant_exists'
  /** Temporal did not register or serve a dedicated tenant's namespace; nothing was stored. */
  | 'namespace_unavailable';

export class TenantError extends ApiError<TenantErrorCode> {}

/** The answer for a tenant id that is not a UUID (see UuidParam). */
export function malformedTenantId(problem: ProblemDetail): TenantError {
  return new TenantError('tenant_not_found', `no tenant has this id: ${problem.path} ${problem.message}`, {
    problems: [problem],
  });
}
