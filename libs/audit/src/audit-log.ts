import { randomUUID } from 'node:crypto';
import { AuditEventEntity, isUuid, type TenantScope } from '@warden/persistence';
import type { EntityManager } from 'typeorm';
import { AuditError } from './audit.errors';
import {
  AUDIT_OUTCOMES,
  CHAIN_START,
  chainHash,
  checkLink,
  storableDetails,
  type AuditOutcome,
  type ChainBreak,
  type ChainPosition,
  type ChainedEvent,
  type StoredLink,
} from './chain';
import { decodeCursor, encodeCursor } from './cursor';

/** What a caller says happened; the log adds id, seq, time (unless given) and the hashes. */
export interface AuditEventInput {
  readonly tenantId: string;
  /** e.g. { type: 'user', id: <uuid> }, { type: 'api_key', id }, { type: 'system', id: 'scheduler' }. */
  readonly actor: { readonly type: string; readonly id: string };
  /** Dotted and lower-case: 'auth.login', 'user.roles_change'. */
  readonly action: string;
  readonly target: { readonly type: string; readonly id: string | null };
  readonly outcome: AuditOutcome;
  readonly requestId?: string | null;
  readonly sourceIp?: string | null;
  /** Never secrets: no passwords, hashes, tokens or MFA material. */
  readonly details?: Record<string, unknown>;
  readonly occurredAt?: Date;
}

export interface ChainVerification {
  readonly ok: boolean;
  /** Links checked and found sound (those before the first break). */
  readonly checked: number;
  readonly firstBroken?: { readonly seq: number; readonly reason: ChainBreak };
}

export interface AuditEventFilter {
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  outcome?: AuditOutcome;
  /** Inclusive bounds on occurred_at. */
  from?: Date;
  to?: Date;
}

export interface AuditPage {
  /** Newest first. */
  readonly events: AuditEventEntity[];
  /** Present when older events match: pass it back for the next page. */
  readonly nextCursor?: string;
}

const ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const VERIFY_BATCH = 1000;
const MAX_PAGE = 500;
/** First key of the two-key advisory lock: "the audit chain"; the second is the tenant's hash. */
const AUDIT_LOCK_CLASS = 0x61756474; // 'audt'

/**
 * Appends one event to its tenant's chain inside the caller's transaction (which must be that
 * tenant's: row-level security refuses anything else), so the change and its audit row commit
 * or roll back together. A transaction-scoped advisory lock serializes appends per tenant; it is
 * released at commit, and the next appender's statements then see this row.
 * Round trips: 3 (lock, read the head, insert).
 */
export async function append(manager: EntityManager, input: AuditEventInput): Promise<AuditEventEntity> {
  assertValid(input);
  const tenantId = input.tenantId.toLowerCase();
  await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [AUDIT_LOCK_CLASS, tenantId]);
  const head: { seq: string; hash: string }[] = await manager.query(
    'SELECT seq, hash FROM audit_events WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1',
    [tenantId],
  );
  const position: ChainPosition = head[0]
    ? { nextSeq: Number(head[0].seq) + 1, prevHash: head[0].hash }
    : CHAIN_START;
  const event: ChainedEvent = {
    tenantId,
    seq: position.nextSeq,
    id: randomUUID(),
    occurredAt: input.occurredAt ?? new Date(),
    actor: { type: input.actor.type, id: input.actor.id },
    action: input.action,
    target: { type: input.target.type, id: input.target.id },
    outcome: input.outcome,
    requestId: input.requestId ?? null,
    sourceIp: input.sourceIp ?? null,
    details: storableDetails(input.details),
    prevHash: position.prevHash,
  };
  const row = toEntity({ ...event, hash: chainHash(event) });
  // Plain SQL: an audit row is written with every change, and TypeORM's insert building costs
  // more CPU than the statement.
  await manager.query(
    `INSERT INTO audit_events (tenant_id, seq, id, occurred_at, actor_type, actor_id, action, target_type,
       target_id, outcome, request_id, source_ip, details, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      row.tenantId,
      row.seq,
      row.id,
      row.occurredAt,
      row.actorType,
      row.actorId,
      row.action,
      row.targetType,
      row.targetId,
      row.outcome,
      row.requestId,
      row.sourceIp,
      JSON.stringify(row.details),
      row.prevHash,
      row.hash,
    ],
  );
  return row;
}

/** Walks the tenant's chain in seq order, in batches, and stops at the first break. */
export async function verifyChain(manager: EntityManager, tenantId: string): Promise<ChainVerification> {
  let position = CHAIN_START;
  let checked = 0;
  for (;;) {
    const batch = await manager
      .createQueryBuilder(AuditEventEntity, 'e')
      .where('e.tenant_id = :tenantId AND e.seq >= :from', { tenantId, from: position.nextSeq })
      .orderBy('e.seq', 'ASC')
      .limit(VERIFY_BATCH)
      .getMany();
    for (const row of batch) {
      const result = checkLink(position, toLink(row));
      if (!result.ok) return { ok: false, checked, firstBroken: { seq: result.seq, reason: result.reason } };
      position = result.position;
      checked++;
    }
    if (batch.length < VERIFY_BATCH) return { ok: true, checked };
  }
}

/** Newest first, filtered; `cursor` comes from a previous page's nextCursor. */
export async function listEvents(
  manager: EntityManager,
  scope: TenantScope,
  filter: AuditEventFilter = {},
  cursor?: string,
  limit = 50,
): Promise<AuditPage> {
  const pageSize = Math.min(Math.max(Math.trunc(limit) || 1, 1), MAX_PAGE);
  const query = manager
    .createQueryBuilder(AuditEventEntity, 'e')
    .where('e.tenant_id = :tenantId', { tenantId: scope.tenantId });
  if (cursor !== undefined) query.andWhere('e.seq < :before', { before: decodeCursor(cursor) });
  if (filter.action !== undefined) query.andWhere('e.action = :action', { action: filter.action });
  if (filter.actorId !== undefined) query.andWhere('e.actor_id = :actorId', { actorId: filter.actorId });
  if (filter.targetType !== undefined)
    query.andWhere('e.target_type = :targetType', { targetType: filter.targetType });
  if (filter.targetId !== undefined) query.andWhere('e.target_id = :targetId', { targetId: filter.targetId });
  if (filter.outcome !== undefined) query.andWhere('e.outcome = :outcome', { outcome: filter.outcome });
  if (filter.from !== undefined) query.andWhere('e.occurred_at >= :from', { from: filter.from });
  if (filter.to !== undefined) query.andWhere('e.occurred_at <= :to', { to: filter.to });
  const rows = await query
    .orderBy('e.seq', 'DESC')
    .limit(pageSize + 1)
    .getMany();
  const events = rows.slice(0, pageSize);
  const last = events[events.length - 1];
  return rows.length > pageSize && last ? { events, nextCursor: encodeCursor(last.seq) } : { events };
}

/** The audit log's operations, as one name to import. */
export const AuditLog = { append, verifyChain, listEvents } as const;

function assertValid(input: AuditEventInput): void {
  if (!isUuid(input.tenantId)) throw new AuditError('invalid_event', 'an audit event needs a tenant uuid');
  if (!ACTION.test(input.action)) {
    throw new AuditError(
      'invalid_event',
      `audit action '${input.action}' must be dotted lower-case, e.g. auth.login`,
    );
  }
  if (!AUDIT_OUTCOMES.includes(input.outcome)) {
    throw new AuditError('invalid_event', `audit outcome must be one of ${AUDIT_OUTCOMES.join(', ')}`);
  }
  if (input.actor.type === '' || input.actor.id === '' || input.target.type === '') {
    throw new AuditError('invalid_event', 'an audit event needs an actor type and id and a target type');
  }
}

function toEntity(link: StoredLink): AuditEventEntity {
  return Object.assign(new AuditEventEntity(), {
    tenantId: link.tenantId,
    seq: link.seq,
    id: link.id,
    occurredAt: link.occurredAt,
    actorType: link.actor.type,
    actorId: link.actor.id,
    action: link.action,
    targetType: link.target.type,
    targetId: link.target.id,
    outcome: link.outcome,
    requestId: link.requestId,
    sourceIp: link.sourceIp,
    details: link.details,
    prevHash: link.prevHash,
    hash: link.hash,
  });
}

function toLink(row: AuditEventEntity): StoredLink {
  return {
    tenantId: row.tenantId,
    seq: row.seq,
    id: row.id,
    occurredAt: row.occurredAt,
    actor: { type: row.actorType, id: row.actorId },
    action: row.action,
    target: { type: row.targetType, id: row.targetId },
    outcome: row.outcome as AuditOutcome,
    requestId: row.requestId,
    sourceIp: row.sourceIp,
    details: row.details,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
