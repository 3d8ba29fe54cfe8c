import type { RunStatus, SecurityProfile } from '@warden/definition';
import { In, Not, type DataSource, type FindOptionsWhere } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { RunEntity, type RunErrorRecord } from './entities/run.entity';
import { isUuid } from './ids';
import { insertedRows } from './insert-result';
import { withTenant } from './tenant-db';
import type { TenantScope } from './tenant-scope';

export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export function isTerminalRunStatus(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}

export interface NewRun {
  id: string;
  workflowId: string;
  workflowVersion: number;
  inputs: Record<string, unknown>;
  profile: SecurityProfile;
  temporalWorkflowId: string;
  idempotencyKey?: string;
}

export interface RunListFilter {
  workflowId?: string;
  status?: RunStatus;
  limit?: number;
}

/** A status observed in Temporal, to be mirrored onto the row. */
export interface RunStatusUpdate {
  status: RunStatus;
  result?: object | null;
  error?: RunErrorRecord | null;
  finishedAt?: Date;
}

/**
 * Run records, always within one tenant: every method runs in a tenant transaction (withTenant),
 * or joins the one passed as its scope.
 */
export class RunRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records a pending run. With an idempotency key already used in this tenant nothing is
   * written and the earlier run comes back with `created: false` (safe under concurrency:
   * the unique constraint decides).
   */
  async create(scope: TenantScope, input: NewRun): Promise<{ run: RunEntity; created: boolean }> {
    const row = Object.assign(new RunEntity(), {
      id: input.id,
      tenantId: scope.tenantId,
      workflowId: input.workflowId,
      workflowVersion: input.workflowVersion,
      status: 'pending' as const,
      inputs: input.inputs,
      profile: input.profile,
      temporalWorkflowId: input.temporalWorkflowId,
      idempotencyKey: input.idempotencyKey ?? null,
      result: null,
      error: null,
      startedAt: null,
      finishedAt: null,
    });
    return withTenant(this.dataSource, scope, async (tx) => {
      // One INSERT with RETURNING (save() would SELECT first and open its own transaction), and
      // ON CONFLICT DO NOTHING rather than catching the unique violation: an error would abort
      // the transaction, and the earlier run must be read in it. The random id never collides,
      // so a conflict means the idempotency key was used before in this tenant.
      // (TypeORM's insert type cannot express jsonb columns typed as records: hence the cast.)
      const inserted = await tx.manager
        .createQueryBuilder()
        .insert()
        .into(RunEntity)
        .values(row as QueryDeepPartialEntity<RunEntity>)
        .orIgnore()
        .execute();
      if (insertedRows(inserted.raw) === 1) return { run: row, created: true };
      const key = input.idempotencyKey;
      const existing = key === undefined ? undefined : await this.findByIdempotencyKey(tx, key);
      if (!existing) throw new Error(`run ${input.id} was not recorded and no earlier run holds its key`);
      return { run: existing, created: false };
    });
  }

  async findById(scope: TenantScope, id: string): Promise<RunEntity | undefined> {
    if (!isUuid(id)) return undefined;
    const found = await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.findOne(RunEntity, { where: { tenantId: scope.tenantId, id } }),
    );
    return found ?? undefined;
  }

  async findByIdempotencyKey(scope: TenantScope, key: string): Promise<RunEntity | undefined> {
    const found = await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.findOne(RunEntity, { where: { tenantId: scope.tenantId, idempotencyKey: key } }),
    );
    return found ?? undefined;
  }

  /** Newest first. */
  async list(scope: TenantScope, filter: RunListFilter = {}): Promise<RunEntity[]> {
    const where: FindOptionsWhere<RunEntity> = { tenantId: scope.tenantId };
    if (filter.workflowId !== undefined) {
      if (!isUuid(filter.workflowId)) return [];
      where.workflowId = filter.workflowId;
    }
    if (filter.status !== undefined) where.status = filter.status;
    return withTenant(this.dataSource, scope, ({ manager }) =>
      manager.find(RunEntity, { where, order: { createdAt: 'DESC' }, take: filter.limit ?? 100 }),
    );
  }

  /** Runs whose mirrored status is not final yet (candidates for a refresh from Temporal). */
  async listActive(
    scope: TenantScope,
    filter: { workflowId?: string; limit?: number } = {},
  ): Promise<RunEntity[]> {
    const where: FindOptionsWhere<RunEntity> = {
      tenantId: scope.tenantId,
      status: Not(In([...TERMINAL_RUN_STATUSES])),
    };
    if (filter.workflowId !== undefined) {
      if (!isUuid(filter.workflowId)) return [];
      where.workflowId = filter.workflowId;
    }
    return withTenant(this.dataSource, scope, ({ manager }) =>
      manager.find(RunEntity, { where, order: { createdAt: 'DESC' }, take: filter.limit ?? 100 }),
    );
  }

  /** pending -> running once Temporal accepted the start. */
  async markStarted(scope: TenantScope, id: string, startedAt: Date): Promise<void> {
    if (!isUuid(id)) return;
    await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.update(
        RunEntity,
        { tenantId: scope.tenantId, id, status: 'pending' },
        { status: 'running', startedAt },
      ),
    );
  }

  /**
   * Mirrors a status seen in Temporal. A final row is never changed again, so a late or
   * repeated mirror cannot move a run backwards. Returns the row as stored afterwards.
   */
  async mirrorStatus(
    scope: TenantScope,
    id: string,
    update: RunStatusUpdate,
  ): Promise<RunEntity | undefined> {
    const changes: Pick<Partial<RunEntity>, 'status' | 'result' | 'error' | 'finishedAt'> = {
      status: update.status,
    };
    if (update.result !== undefined) changes.result = update.result;
    if (update.error !== undefined) changes.error = update.error;
    if (update.finishedAt !== undefined) changes.finishedAt = update.finishedAt;
    if (!isUuid(id)) return undefined;
    return withTenant(this.dataSource, scope, async (tx) => {
      await tx.manager.update(
        RunEntity,
        { tenantId: scope.tenantId, id, status: Not(In([...TERMINAL_RUN_STATUSES])) },
        changes,
      );
      return this.findById(tx, id);
    });
  }
}
