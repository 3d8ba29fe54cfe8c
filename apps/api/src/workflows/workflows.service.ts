import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { parseWorkflow, type ParseResult, type WorkflowDefinition } from '@warden/definition';
import {
  PersistenceError,
  WorkflowRepository,
  type TenantScope,
  type TenantTransaction,
  type WorkflowEntity,
  type WorkflowVersionEntity,
  type WorkflowWithVersion,
} from '@warden/persistence';
import type { AuditContext } from '../audit/audit-context';
import { AuditTrail, type AuditedChange } from '../audit/audit-trail';
import { ApiConfig } from '../config/api.config';
import { PluginPinner, type PinProblem, type PinResolution } from '../plugins/plugin-pinner';
import { secretConfigWithPrevious } from './workflow-secrets';
import { WorkflowSecretsService } from './workflow-secrets.service';
import type { WorkflowSource } from './workflow-source';
import {
  toVersionSummary,
  toWorkflowDetail,
  toWorkflowSummary,
  type ValidationResult,
  type VersionSummary,
  type WorkflowDetail,
  type WorkflowSummary,
  type WorkflowWritten,
} from './workflows.dto';
import { WorkflowError } from './workflows.errors';

/** A definition version pinned for a run. */
export interface PinnedVersion {
  workflow: WorkflowEntity;
  version: WorkflowVersionEntity;
}

@Injectable()
export class WorkflowsService {
  constructor(
    private readonly workflows: WorkflowRepository,
    private readonly config: ApiConfig,
    private readonly audit: AuditTrail,
    private readonly pinner: PluginPinner,
    private readonly secrets: WorkflowSecretsService,
  ) {}

  /** Parses, and, for a definition without errors, resolves its plugin steps as saving would. */
  async validate(scope: TenantScope, source: WorkflowSource): Promise<ValidationResult> {
    const { definition, problems } = this.parse(source);
    const parsedValid = definition !== undefined && !problems.some((p) => p.severity === 'error');
    const all = parsedValid ? [...problems, ...(await this.pinner.check(scope, definition))] : problems;
    return { valid: !all.some((p) => p.severity === 'error'), problems: all };
  }

  async create(scope: TenantScope, source: WorkflowSource, audit: AuditContext): Promise<WorkflowWritten> {
    const { definition, warnings } = this.parseValid(source);
    // Chosen here: the secrets are sealed for this id before its row exists.
    const workflowId = randomUUID();
    await this.secrets.prepare(scope.tenantId, definition);
    try {
      const { written: created, pinWarnings } = await this.audit.within(
        scope,
        audit,
        (tx) =>
          this.withPins(tx, definition, async (t, secretConfig) => {
            const at = { tenantId: scope.tenantId, workflowId, version: 1 };
            const version = await this.secrets.seal(source, definition, secretConfig, at);
            return this.workflows.create(t, { ...version, workflowId });
          }),
        ({ written: w }) => versionWritten('workflow.create', w.workflow, w.version),
      );
      return written(created.workflow, created.version, true, [...warnings, ...pinWarnings]);
    } catch (err) {
      if (err instanceof PersistenceError && err.code === 'workflow_name_taken') {
        const [existing] = await this.workflows.list(scope, { name: definition.name, limit: 1 });
        throw new WorkflowError(
          'workflow_exists',
          `a workflow named '${definition.name}' already exists; PUT /v1/workflows/${existing?.id ?? ':id'} adds a version`,
          { workflowId: existing?.id, problems: [{ path: 'name', message: 'is already taken' }] },
        );
      }
      throw err;
    }
  }

  /** A new immutable version; the same text as the current version changes nothing. */
  async update(
    scope: TenantScope,
    workflowId: string,
    source: WorkflowSource,
    audit: AuditContext,
  ): Promise<WorkflowWritten> {
    const { workflow, version: current } = await this.pinned(scope, workflowId);
    const { definition: parsed, warnings } = this.parseValid(source);
    if (parsed.name !== workflow.name) {
      throw new WorkflowError(
        'workflow_name_mismatch',
        `the definition is named '${parsed.name}' but this workflow is '${workflow.name}'`,
        { problems: [{ path: 'name', message: `must be '${workflow.name}'` }] },
      );
    }
    const previous = this.secrets.previous(scope.tenantId, workflowId, current);
    const definition = await this.secrets.keepPrevious(parsed, current, previous);
    if (await this.secrets.sameAs(source, definition, current, previous)) {
      return written(workflow, current, false, warnings);
    }
    const next = current.version + 1;
    await this.secrets.prepare(scope.tenantId, definition);
    try {
      const { written: added, pinWarnings } = await this.audit.within(
        scope,
        audit,
        (tx) =>
          this.withPins(tx, definition, async (t, secretConfig) => {
            const at = { tenantId: scope.tenantId, workflowId, version: next };
            const sealable = secretConfigWithPrevious(secretConfig, current.definition);
            const version = await this.secrets.seal(source, definition, sealable, at);
            const result = await this.workflows.addVersion(t, workflowId, version);
            // Sealed for `next`: written as another number, the secrets would not open.
            if (result && result.version.version !== next) throw concurrentUpdate();
            return result;
          }),
        ({ written: result }) =>
          result
            ? versionWritten('workflow.update', result.workflow, result.version)
            : { action: 'workflow.update', target: { type: 'workflow', id: workflowId }, outcome: 'failure' },
      );
      if (!added) throw notFound(workflowId);
      return written(added.workflow, added.version, true, [...warnings, ...pinWarnings]);
    } catch (err) {
      if (err instanceof PersistenceError && err.code === 'version_conflict') throw concurrentUpdate();
      throw err;
    }
  }

  async list(scope: TenantScope, filter: { name?: string }): Promise<WorkflowSummary[]> {
    const workflows = await this.workflows.list(scope, filter);
    const versions = await this.workflows.currentVersions(scope, workflows);
    const byWorkflow = new Map(versions.map((v) => [v.workflowId, v]));
    return workflows.flatMap((w) => {
      const current = byWorkflow.get(w.id);
      return current ? [toWorkflowSummary(w, current)] : [];
    });
  }

  async get(scope: TenantScope, workflowId: string): Promise<WorkflowDetail> {
    const { workflow, version } = await this.pinned(scope, workflowId);
    const plugins = await this.pinner.pinsOf(scope, workflow.id, version.version);
    return toWorkflowDetail(workflow, version, plugins);
  }

  async versions(scope: TenantScope, workflowId: string): Promise<VersionSummary[]> {
    const workflow = await this.workflows.findById(scope, workflowId);
    if (!workflow) throw notFound(workflowId);
    const versions = await this.workflows.listVersions(scope, workflowId);
    return versions.map((v) => toVersionSummary(v, workflow.currentVersion));
  }

  /** The given version of a workflow (default: current), for starting or planning a run. */
  async pinned(scope: TenantScope, workflowId: string, version?: number): Promise<PinnedVersion> {
    const pinned = await this.workflows.findPinned(scope, workflowId, version);
    if (!pinned) throw notFound(workflowId);
    const { workflow, version: found } = pinned;
    const wanted = version ?? workflow.currentVersion;
    if (!found) {
      throw new WorkflowError('version_not_found', `workflow '${workflow.name}' has no version ${wanted}`, {
        problems: [{ path: 'version', message: `must be between 1 and ${workflow.currentVersion}` }],
      });
    }
    return { workflow, version: found };
  }

  /**
   * Writes a version (`write`) with its plugin pins in the same transaction: every plugin step is
   * resolved first (an unresolvable one refuses the whole definition, nothing is written), then
   * the pins follow the version row. Returns undefined when `write` does.
   */
  private async withPins<T extends WorkflowWithVersion | undefined>(
    tx: TenantTransaction,
    definition: WorkflowDefinition,
    write: (tx: TenantTransaction, secretConfig: PinResolution['secretConfig']) => Promise<T>,
  ): Promise<{ written: T; pinWarnings: PinProblem[] }> {
    const resolution = await this.pinner.resolve(tx, definition);
    if (resolution.errors.length > 0) throw pinningRefused(resolution);
    const written = await write(tx, resolution.secretConfig);
    if (written !== undefined) {
      await this.pinner.write(tx, written.workflow.id, written.version.version, resolution.pins);
    }
    return { written, pinWarnings: resolution.warnings };
  }

  /** The library bounds nesting and refuses NUL and unpaired surrogates, so PostgreSQL can store what it accepts. */
  private parse(source: WorkflowSource): ParseResult {
    return parseWorkflow(source.text, { maxProfile: this.config.maxProfile });
  }

  private parseValid(source: WorkflowSource): {
    definition: WorkflowDefinition;
    warnings: ParseResult['problems'];
  } {
    const { definition, problems } = this.parse(source);
    const errors = problems.filter((p) => p.severity === 'error');
    if (!definition || errors.length > 0) {
      const first = errors[0];
      const where = first?.line !== undefined ? ` at line ${first.line}, column ${first.column ?? 1}` : '';
      throw new WorkflowError(
        'invalid_definition',
        `the definition has ${errors.length} problem${errors.length === 1 ? '' : 's'}; first${where}: ${first?.message ?? 'invalid'}`,
        { problems },
      );
    }
    return { definition, warnings: problems };
  }
}

function pinningRefused({ errors }: PinResolution): WorkflowError {
  const first = errors[0]!;
  return new WorkflowError(
    'invalid_definition',
    `the definition has ${errors.length} plugin problem${errors.length === 1 ? '' : 's'}; first at ${first.path}: ${first.message}`,
    { problems: errors },
  );
}

function versionWritten(
  action: string,
  workflow: WorkflowEntity,
  version: WorkflowVersionEntity,
): AuditedChange {
  return {
    action,
    target: { type: 'workflow', id: workflow.id },
    details: { name: workflow.name, version: version.version, checksum: version.checksum },
  };
}

function concurrentUpdate(): WorkflowError {
  return new WorkflowError('concurrent_update', 'another version was added at the same time; retry');
}

function written(
  workflow: WorkflowEntity,
  version: WorkflowVersionEntity,
  created: boolean,
  warnings: WorkflowWritten['warnings'],
): WorkflowWritten {
  return {
    id: workflow.id,
    name: workflow.name,
    version: version.version,
    checksum: version.checksum,
    created,
    warnings,
  };
}

function notFound(workflowId: string): WorkflowError {
  return new WorkflowError('workflow_not_found', `no workflow with id '${workflowId}'`);
}
