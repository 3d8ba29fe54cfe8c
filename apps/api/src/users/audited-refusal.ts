import { AuthzError, type AuthzErrorCode } from '@warden/authz';
import type { TenantScope } from '@warden/persistence';
import type { AuditContext } from '../audit/audit-context';
import type { AuditedChange, AuditTrail } from '../audit/audit-trail';
import { fromAuthzError } from './users.errors';

/** Refusals that protect the access model (the rest are malformed requests: `failure`). */
const SECURITY_REFUSALS: ReadonlySet<AuthzErrorCode> = new Set<AuthzErrorCode>([
  'permission_denied',
  'escalation',
  'owner_protected',
  'last_owner',
]);

/**
 * Runs an access-model change; when @warden/authz refuses it (escalation, owner protection,
 * a bad role set), the refused attempt is audited (`denied`, or `failure` for a malformed role
 * set; the change itself rolled back)
 * and the refusal becomes an API error. `path` points the error at the offending field.
 */
export async function withAuditedRefusal<T>(
  audit: AuditTrail,
  scope: TenantScope,
  context: AuditContext,
  attempt: AuditedChange,
  work: () => Promise<T>,
  path?: string,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof AuthzError)) throw err;
    await audit.recordRefusal({ tenantId: scope.tenantId }, context, {
      ...attempt,
      outcome: SECURITY_REFUSALS.has(err.code) ? 'denied' : 'failure',
      details: {
        ...attempt.details,
        refusal: err.code,
        ...(err.details.missing ? { missing: [...err.details.missing] } : {}),
      },
    });
    throw fromAuthzError(err, path);
  }
}
