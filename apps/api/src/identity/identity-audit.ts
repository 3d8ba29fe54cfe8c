import type { TenantTransaction } from '@warden/persistence';
import { appendAuditEvent } from '../audit/audit-trail';
import type { Principal } from '../http/request-context';
import type { RequestOrigin } from './request-origin';

export type AuditActor =
  | { readonly type: 'user' | 'api_key'; readonly id: string }
  | { readonly type: 'anonymous'; readonly id: string };

/** One event of this feature; `details` never carries a secret, a hash or a code. */
export interface IdentityAuditEvent {
  readonly actor: AuditActor;
  readonly action:
    | 'auth.login'
    | 'auth.refresh'
    | 'auth.refresh_reuse'
    | 'auth.logout'
    | 'mfa.enroll'
    | 'mfa.enable'
    | 'mfa.disable'
    | 'mfa.recovery_code_used'
    | 'apikey.create'
    | 'apikey.rotate'
    | 'apikey.revoke';
  readonly target: { readonly type: 'user' | 'session' | 'api_key'; readonly id: string | null };
  readonly outcome: 'success' | 'failure' | 'denied';
  readonly details?: Record<string, unknown>;
}

/** The actor of an authenticated caller: the key itself for API keys, so the trail names it. */
export function actorOf(principal: Principal): AuditActor {
  return { type: principal.kind, id: principal.id };
}

/** Sign-in attempts for an account nobody could be matched to. */
export const ANONYMOUS: AuditActor = { type: 'anonymous', id: 'anonymous' };

/** Appends to the tenant's chain inside `tx`, so the change and its record commit together. */
export async function recordEvent(
  tx: TenantTransaction,
  origin: RequestOrigin,
  event: IdentityAuditEvent,
): Promise<void> {
  const { actor, ...change } = event;
  await appendAuditEvent(tx, { actor, requestId: origin.requestId, sourceIp: origin.sourceIp }, change);
}
