import { createHash } from 'node:crypto';
import { canonicalize } from 'json-canonicalize';

/** The prev_hash of a tenant's first event. */
export const GENESIS_HASH = '0'.repeat(64);

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Everything a link's hash covers: the whole event except the hash itself. */
export interface ChainedEvent {
  readonly tenantId: string;
  readonly seq: number;
  readonly id: string;
  readonly occurredAt: Date;
  readonly actor: { readonly type: string; readonly id: string };
  readonly action: string;
  readonly target: { readonly type: string; readonly id: string | null };
  readonly outcome: AuditOutcome;
  readonly requestId: string | null;
  readonly sourceIp: string | null;
  readonly details: Record<string, unknown>;
  readonly prevHash: string;
}

export interface StoredLink extends ChainedEvent {
  readonly hash: string;
}

export type ChainBreak = 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap';

/** Where a walk of the chain stands: the next seq expected and the hash it must point back to. */
export interface ChainPosition {
  readonly nextSeq: number;
  readonly prevHash: string;
}

export const CHAIN_START: ChainPosition = { nextSeq: 1, prevHash: GENESIS_HASH };

/**
 * RFC 8785 canonical JSON of the event, so that the same event always hashes the same however
 * its keys were ordered, including after a round trip through jsonb.
 */
export function canonicalEvent(event: ChainedEvent): string {
  return canonicalize({
    tenantId: event.tenantId,
    seq: event.seq,
    id: event.id,
    occurredAt: event.occurredAt.toISOString(),
    actor: { type: event.actor.type, id: event.actor.id },
    action: event.action,
    target: { type: event.target.type, id: event.target.id },
    outcome: event.outcome,
    requestId: event.requestId,
    sourceIp: event.sourceIp,
    details: event.details,
    prevHash: event.prevHash,
  });
}

/** sha256 hex of prev_hash followed by the canonical event. */
export function chainHash(event: ChainedEvent): string {
  return createHash('sha256')
    .update(event.prevHash, 'utf8')
    .update(canonicalEvent(event), 'utf8')
    .digest('hex');
}

/**
 * Details exactly as they will read back from jsonb: undefined dropped, dates as strings.
 * Hashing this copy, and storing it, keeps the hash verifiable later.
 */
export function storableDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  return details === undefined ? {} : (JSON.parse(JSON.stringify(details)) as Record<string, unknown>);
}

/**
 * Checks the next stored link against the position reached so far. Returns the new position, or
 * the break: a missing sequence number (reported at the missing seq), a link not pointing at its
 * predecessor, or content that no longer matches its hash (both reported at the link's seq).
 */
export function checkLink(
  position: ChainPosition,
  link: StoredLink,
): { ok: true; position: ChainPosition } | { ok: false; seq: number; reason: ChainBreak } {
  if (link.seq !== position.nextSeq) return { ok: false, seq: position.nextSeq, reason: 'sequence_gap' };
  if (link.prevHash !== position.prevHash) return { ok: false, seq: link.seq, reason: 'prev_hash_mismatch' };
  if (chainHash(link) !== link.hash) return { ok: false, seq: link.seq, reason: 'hash_mismatch' };
  return { ok: true, position: { nextSeq: link.seq + 1, prevHash: link.hash } };
}
