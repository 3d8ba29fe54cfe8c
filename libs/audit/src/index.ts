/**
 * @warden/audit: the append-only, hash-chained audit log of each tenant. Every event's hash is
 * sha256(prev_hash + RFC 8785 canonical JSON of the event), starting from 64 zeros, so changing,
 * removing or reordering any stored event is detectable by walking the chain.
 *
 *   await withTenant(ds, scope, async (tx) => {
 *     await users.update(tx, id, { roles });                     // the change ...
 *     await AuditLog.append(tx.manager, { tenantId: tx.tenantId, // ... and its record, one commit
 *       actor, action: 'user.roles_change', target: { type: 'user', id }, outcome: 'success' });
 *   });
 *
 * `verifyChain(manager, tenantId)` reports the first broken link; `listEvents` pages newest first.
 */
export { AuditLog, append, verifyChain, listEvents } from './audit-log';
export type { AuditEventInput, AuditEventFilter, AuditPage, ChainVerification } from './audit-log';
export {
  GENESIS_HASH,
  AUDIT_OUTCOMES,
  CHAIN_START,
  canonicalEvent,
  chainHash,
  checkLink,
  type AuditOutcome,
  type ChainBreak,
  type ChainedEvent,
  type ChainPosition,
  type StoredLink,
} from './chain';
export { AuditError, type AuditErrorCode } from './audit.errors';
