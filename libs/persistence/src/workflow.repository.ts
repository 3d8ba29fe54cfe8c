import { createHash, randomUUID } from 'node:crypto';
import type { FieldContext } from '@warden/crypto';
import type { WorkflowDefinition } from '@warden/definition';
import type { DataSource, EntityManager } from 'typeorm';
import { WorkflowVersionEntity, type SourceFormat } from './entities/workflow-version.entity';
import { WorkflowEntity } from './entities/workflow.entity';
import { isUuid } from './ids';
import { insertedRows } from './insert-result';
import { PersistenceError, uniqueViolation } from './persistence.errors';
import { withTenant } from './tenant-db';
import type { TenantScope } from './tenant-scope';

export interface NewWorkflowVersion {
  source: string;
  format: SourceFormat;
  definition: WorkflowDefinition;
}

export interface WorkflowWithVersion {
  workflow: WorkflowEntity;
  version: WorkflowVersionEntity;
}

export interface WorkflowListFilter {
  name?: string;
  limit?: number;
}

interface PinnedRow {
  id: string;
  name: string;
  description: string | null;
  current_version: number;
  created_at: Date;
  updated_at: Date;
  v_id: string | null;
  v_version: number;
  v_source: string;
  v_format: SourceFormat;
  v_definition: WorkflowDefinition;
  v_checksum: string;
  v_created_at: Date;
}

/**
 * Where a definition version's secret belongs (`field`: `steps.<stepId>.env.<NAME>` and the
 * like): the API seals and the worker opens with exactly this context, so a secret copied into
 * another version, field or tenant does not open.
 */
export function workflowSecretContext(
  tenantId: string,
  workflowId: string,
  version: number,
  field: string,
): FieldContext {
  return { tenantId, table: 'workflow_versions', recordId: `${workflowId}@${version}`, field };
}

/** sha256 of the source text, hex: lets clients see whether a version's text changed. */
export function sourceChecksum(source: string): string {
  return createHash('sha256').update(source, 'utf8').digest('hex');
}

/**
 * Workflows and their immutable versions, always within one tenant: every method runs in a
 * tenant transaction (withTenant), or joins the one passed as its scope.
 */
export class WorkflowRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Creates the workflow with version 1. Throws PersistenceError `workflow_name_taken`; the name
   * check is an ON CONFLICT, so a joined transaction stays usable after it.
   */
  async create(
    scope: TenantScope,
    input: NewWorkflowVersion & { workflowId?: string },
  ): Promise<WorkflowWithVersion> {
    return withTenant(this.dataSource, scope, async ({ manager: m }) => {
      const workflow = m.create(WorkflowEntity, {
        // Chosen by the caller when it seals secrets bound to the id before the row exists.
        id: input.workflowId ?? randomUUID(),
        tenantId: scope.tenantId,
        name: input.definition.name,
        description: input.definition.description ?? null,
        currentVersion: 1,
      });
      const inserted = await m
        .createQueryBuilder()
        .insert()
        .into(WorkflowEntity)
        .values(workflow)
        .orIgnore()
        .execute();
      if (insertedRows(inserted.raw) === 0) {
        throw new PersistenceError(
          'workflow_name_taken',
          `a workflow named '${input.definition.name}' already exists`,
        );
      }
      const version = await insertVersion(m, scope, workflow.id, 1, input);
      return { workflow, version };
    });
  }

  /**
   * Appends the next version and makes it current. The workflow row is locked so concurrent
   * writers get consecutive numbers. Returns undefined when the workflow does not exist.
   */
  async addVersion(
    scope: TenantScope,
    workflowId: string,
    input: NewWorkflowVersion,
  ): Promise<WorkflowWithVersion | undefined> {
    if (!isUuid(workflowId)) return undefined;
    try {
      return await withTenant(this.dataSource, scope, async ({ manager: m }) => {
        const workflow = await m.findOne(WorkflowEntity, {
          where: { tenantId: scope.tenantId, id: workflowId },
          lock: { mode: 'pessimistic_write' },
        });
        if (!workflow) return undefined;
        const next = workflow.currentVersion + 1;
        const version = await insertVersion(m, scope, workflow.id, next, input);
        workflow.currentVersion = next;
        workflow.description = input.definition.description ?? null;
        return { workflow: await m.save(workflow), version };
      });
    } catch (err) {
      if (uniqueViolation(err) === 'uq_workflow_versions_workflow_version') {
        throw new PersistenceError('version_conflict', 'another version was written at the same time');
      }
      throw err;
    }
  }

  async findById(scope: TenantScope, id: string): Promise<WorkflowEntity | undefined> {
    if (!isUuid(id)) return undefined;
    const found = await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.findOne(WorkflowEntity, { where: { tenantId: scope.tenantId, id } }),
    );
    return found ?? undefined;
  }

  /**
   * A workflow and one of its versions (default: the current one) in one query: starting a
   * run reads both, and this is on every start's path. `version` is undefined when the
   * workflow exists but has no such version.
   */
  async findPinned(
    scope: TenantScope,
    workflowId: string,
    version?: number,
  ): Promise<{ workflow: WorkflowEntity; version: WorkflowVersionEntity | undefined } | undefined> {
    if (!isUuid(workflowId)) return undefined;
    // Plain SQL and a hand mapping: this is on every run start, and TypeORM's query building
    // and hydration of a join cost more CPU than the query itself (1.5 to 3 ms).
    const rows: PinnedRow[] = await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.query(
        `SELECT w.id, w.name, w.description, w.current_version, w.created_at, w.updated_at,
                v.id AS v_id, v.version AS v_version, v.source AS v_source, v.format AS v_format,
                v.definition AS v_definition, v.checksum AS v_checksum, v.created_at AS v_created_at
           FROM workflows w
           LEFT JOIN workflow_versions v
             ON v.workflow_id = w.id AND v.tenant_id = w.tenant_id
            AND v.version = COALESCE($3::integer, w.current_version)
          WHERE w.tenant_id = $1 AND w.id = $2`,
        [scope.tenantId, workflowId, version ?? null],
      ),
    );
    const row = rows[0];
    if (!row) return undefined;
    const workflow = Object.assign(new WorkflowEntity(), {
      id: row.id,
      tenantId: scope.tenantId,
      name: row.name,
      description: row.description,
      currentVersion: row.current_version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
    const pinned =
      row.v_id === null
        ? undefined
        : Object.assign(new WorkflowVersionEntity(), {
            id: row.v_id,
            tenantId: scope.tenantId,
            workflowId: row.id,
            version: row.v_version,
            source: row.v_source,
            format: row.v_format,
            definition: row.v_definition,
            checksum: row.v_checksum,
            createdAt: row.v_created_at,
          });
    return { workflow, version: pinned };
  }

  async list(scope: TenantScope, filter: WorkflowListFilter = {}): Promise<WorkflowEntity[]> {
    return withTenant(this.dataSource, scope, ({ manager }) =>
      manager.find(WorkflowEntity, {
        where: { tenantId: scope.tenantId, ...(filter.name !== undefined ? { name: filter.name } : {}) },
        order: { name: 'ASC' },
        take: filter.limit ?? 100,
      }),
    );
  }

  /** Newest first; `source` and `definition` are included. */
  async listVersions(scope: TenantScope, workflowId: string): Promise<WorkflowVersionEntity[]> {
    if (!isUuid(workflowId)) return [];
    return withTenant(this.dataSource, scope, ({ manager }) =>
      manager.find(WorkflowVersionEntity, {
        where: { tenantId: scope.tenantId, workflowId },
        order: { version: 'DESC' },
      }),
    );
  }

  async findVersion(
    scope: TenantScope,
    workflowId: string,
    version: number,
  ): Promise<WorkflowVersionEntity | undefined> {
    if (!isUuid(workflowId)) return undefined;
    const found = await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.findOne(WorkflowVersionEntity, { where: { tenantId: scope.tenantId, workflowId, version } }),
    );
    return found ?? undefined;
  }

  /** The current versions of several workflows at once (for lists). */
  async currentVersions(scope: TenantScope, workflows: WorkflowEntity[]): Promise<WorkflowVersionEntity[]> {
    if (workflows.length === 0) return [];
    return withTenant(this.dataSource, scope, ({ manager }) =>
      manager
        .createQueryBuilder(WorkflowVersionEntity, 'v')
        .innerJoin(WorkflowEntity, 'w', 'w.id = v.workflow_id AND w.current_version = v.version')
        .where('v.tenant_id = :tenantId', { tenantId: scope.tenantId })
        .andWhere('v.workflow_id IN (:...ids)', { ids: workflows.map((w) => w.id) })
        .getMany(),
    );
  }
}

async function insertVersion(
  m: EntityManager,
  scope: TenantScope,
  workflowId: string,
  version: number,
  input: NewWorkflowVersion,
): Promise<WorkflowVersionEntity> {
  const row = Object.assign(new WorkflowVersionEntity(), {
    id: randomUUID(),
    tenantId: scope.tenantId,
    workflowId,
    version,
    source: input.source,
    format: input.format,
    definition: input.definition,
    checksum: sourceChecksum(input.source),
  });
  return m.save(row);
}
