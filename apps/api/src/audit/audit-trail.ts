import { Injectable } from '@nestjs/common';
import { AuditLog, type AuditOutcome } from '@warden/audit';
import { withTenant, type TenantScope, type TenantTransaction } from '@warden/persistence';
import { DataSource } from 'typeorm';
import type { AuditContext } from './audit-context';

/** What a feature says about a change; the request's AuditContext says who and from where. */
export interface AuditedChange {
  /** Dotted, e.g. 'user.roles_change'. */
  readonly action: string;
  readonly target: { readonly type: string; readonly id: string | null };
  readonly outcome?: AuditOutcome;
  /** Never secrets: no passwords, hashes, tokens or MFA material. */
  readonly details?: Record<string, unknown>;
}

/**
 * The one mapping from a request's context and a feature's change to an event of the tenant's
 * chain, appended inside `tx` (the change and its event commit together).
 */
export async function appendAuditEvent(
  tx: TenantTransaction,
  context: AuditContext,
  change: AuditedChange,
): Promise<void> {
  await AuditLog.append(tx.manager, {
    tenantId: tx.tenantId,
    actor: context.actor,
    action: change.action,
    target: change.target,
    outcome: change.outcome ?? 'success',
    requestId: context.requestId,
    sourceIp: context.sourceIp,
    details: change.details ?? {},
  });
}

/**
 * Appends audit events to a tenant's hash chain. `record` joins the caller's transaction, so a
 * change and its event commit or roll back together; `recordRefusal` writes a refused attempt
 * in a transaction of its own, because the refused change itself was rolled back.
 */
@Injectable()
export class AuditTrail {
  constructor(private readonly dataSource: DataSource) {}

  async record(tx: TenantTransaction, context: AuditContext, change: AuditedChange): Promise<void> {
    await appendAuditEvent(tx, context, change);
  }

  /**
   * Runs `change` in one tenant transaction and records what `describe` says about its result
   * in the same transaction: the change and its event commit together or not at all.
   */
  async within<T>(
    scope: TenantScope,
    context: AuditContext,
    change: (tx: TenantTransaction) => Promise<T>,
    describe: (result: T) => AuditedChange | undefined,
  ): Promise<T> {
    return withTenant(this.dataSource, scope, async (tx) => {
      const result = await change(tx);
      const event = describe(result);
      if (event !== undefined) await this.record(tx, context, event);
      return result;
    });
  }

  /** For changes that live outside PostgreSQL (a signal to Temporal): recorded once they happened. */
  async recordAfter(scope: TenantScope, context: AuditContext, change: AuditedChange): Promise<void> {
    await withTenant(this.dataSource, scope, (tx) => this.record(tx, context, change));
  }

  async recordRefusal(scope: TenantScope, context: AuditContext, change: AuditedChange): Promise<void> {
    await withTenant(this.dataSource, scope, (tx) =>
      this.record(tx, context, { outcome: 'denied', ...change }),
    );
  }
}
