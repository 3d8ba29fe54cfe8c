import type { RunStatus, SecurityProfile } from '@warden/definition';
import { In, Not, type DataSource, type FindOptionsWhere } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { RunEntity, type RunErrorRecord } from './entities/run.entity';
import { isUuid } from './ids';
import { uniqueViolation } from './persistence.errors';
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

/** Run records, always within one tenant. */
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
    try {
      // insert(), not save(): one INSERT with RETURNING, where save() would SELECT first and
      // wrap the write in its own transaction (three more round trips on every start).
      // (TypeORM's insert type cannot express jsonb columns typed as records: hence the cast.)
      await this.dataSource.manager.insert(RunEntity, row as QueryDeepPartialEntity<RunEntity>);
      return { run: row, created: true };
    } catch (err) {
      const key = input.idempotencyKey;
      if (key === undefined || uniqueViolation(err) !== 'uq_runs_tenant_idempotency_key') throw err;
      const existing = await this.findByIdempotencyKey(scope, key);
      if (!existing) throw err;
      return { run: existing, created: false };
    }
  }

  async findById(scope: TenantScope, id: string): Promise<RunEntity | undefined> {
    if (!isUuid(id)) return undefined;
    const found = await this.dataSource.manager.findOne(RunEntity, {
      where: { tenantId: scope.tenantId, id },
    });
    return found ?? undefined;
  }

  async findByIdempotencyKey(scope: TenantScope, key: string): Promise<RunEntity | undefined> {
    const found = await this.dataSource.manager.findOne(RunEntity, {
      where: { tenantId: scope.tenantId, idempotencyKey: key },
    });
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
    return this.dataSource.manager.find(RunEntity, {
      where,
      order: { createdAt: 'DESC' },
      take: filter.limit ?? 100,
    });
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
    return this.dataSource.manager.find(RunEntity, {
      where,
      order: { createdAt: 'DESC' },
      take: filter.limit ?? 100,
    });
  }

  /** pending -> running once Temporal accepted the start. */
  async markStarted(scope: TenantScope, id: string, startedAt: Date): Promise<void> {
    await this.dataSource.manager.update(
      RunEntity,
      { tenantId: scope.tenantId, id, status: 'pending' },
      { status: 'running', startedAt },
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
    await this.dataSource.manager.update(
      RunEntity,
      { tenantId: scope.tenantId, id, status: Not(In([...TERMINAL_RUN_STATUSES])) },
      changes,
    );
    return this.findById(scope, id);
  }
}
