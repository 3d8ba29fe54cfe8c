import { Injectable } from '@nestjs/common';
import { AuditError as AuditLogError, listEvents, verifyChain } from '@warden/audit';
import { AuditEventEntity, withTenant, type TenantScope } from '@warden/persistence';
import { DataSource, MoreThan } from 'typeorm';
import type { AuditEventView, AuditListQuery, AuditPage, ChainVerification } from './audit.dto';
import { AuditError } from './audit.errors';

const DEFAULT_LIMIT = 50;
const EXPORT_BATCH = 500;

@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first (by seq, descending); `nextCursor` continues with older events. */
  async list(scope: TenantScope, query: AuditListQuery): Promise<AuditPage> {
    const { cursor, limit, from, to, ...exact } = query;
    const page = await withTenant(this.dataSource, scope, (tx) =>
      listEvents(
        tx.manager,
        scope,
        {
          ...exact,
          ...(from === undefined ? {} : { from: new Date(from) }),
          ...(to === undefined ? {} : { to: new Date(to) }),
        },
        cursor,
        limit === undefined ? DEFAULT_LIMIT : Number(limit),
      ),
    ).catch((err: unknown) => {
      if (err instanceof AuditLogError && err.code === 'invalid_cursor')
        throw new AuditError('audit_cursor_invalid', 'this cursor was not handed out by a listing');
      throw err;
    });
    return { items: page.events.map(toEventView), nextCursor: page.nextCursor ?? null };
  }

  async verify(scope: TenantScope): Promise<ChainVerification> {
    const result = await withTenant(this.dataSource, scope, (tx) => verifyChain(tx.manager, scope.tenantId));
    return {
      ok: result.ok,
      checked: result.checked,
      ...(result.firstBroken
        ? { firstBroken: { seq: result.firstBroken.seq, reason: result.firstBroken.reason } }
        : {}),
    };
  }

  /**
   * The chain in seq order, in batches, up to the last event that existed when the export
   * began: a consistent prefix of an append-only chain, however long the download takes.
   */
  async *exportChain(scope: TenantScope): AsyncGenerator<AuditEventView[]> {
    const last = await withTenant(this.dataSource, scope, async ({ manager }) => {
      const rows: { max: string | null }[] = await manager.query(
        'SELECT max(seq) AS max FROM audit_events WHERE tenant_id = $1',
        [scope.tenantId],
      );
      return Number(rows[0]?.max ?? 0);
    });
    let after = 0;
    while (after < last) {
      const batch = await withTenant(this.dataSource, scope, ({ manager }) =>
        manager.find(AuditEventEntity, {
          where: { tenantId: scope.tenantId, seq: MoreThan(after) },
          order: { seq: 'ASC' },
          take: EXPORT_BATCH,
        }),
      );
      const inRange = batch.filter((event) => event.seq <= last);
      if (inRange.length === 0) return;
      yield inRange.map(toEventView);
      after = inRange[inRange.length - 1]!.seq;
    }
  }
}

export function toEventView(event: AuditEventEntity): AuditEventView {
  return {
    tenantId: event.tenantId,
    seq: event.seq,
    id: event.id,
    occurredAt: event.occurredAt.toISOString(),
    actor: { type: event.actorType, id: event.actorId },
    action: event.action,
    target: { type: event.targetType, id: event.targetId },
    outcome: event.outcome,
    requestId: event.requestId,
    sourceIp: event.sourceIp,
    details: event.details,
    prevHash: event.prevHash,
    hash: event.hash,
  };
}
