import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  checkProfile,
  minProfile,
  planWorkflow,
  resolveRunInputs,
  type Problem,
  type WorkflowDefinition,
} from '@warden/definition';
import { temporalWorkflowIdFor, type PluginPin } from '@warden/engine';
import {
  PluginRepository,
  RunRepository,
  WorkflowRepository,
  type RunEntity,
  type TenantScope,
} from '@warden/persistence';
import type { AuditContext } from '../audit/audit-context';
import { AuditTrail } from '../audit/audit-trail';
import { TenantPolicyCache } from '../auth/tenant-policy';
import { ApiConfig } from '../config/api.config';
import { WorkflowsService } from '../workflows/workflows.service';
import { RunEngine } from './run-engine';
import { RunQuotas } from './run-quotas';
import { RunStateMirror } from './run-state-mirror';
import {
  toRunSummary,
  toRunView,
  type DryRunResult,
  type RunListQuery,
  type RunStarted,
  type RunSummary,
  type RunView,
  type StartRunBody,
} from './runs.dto';
import { RunError } from './runs.errors';

/** What the start transaction decided; launching happens after it commits. */
type StartStep =
  | { kind: 'plan'; body: DryRunResult }
  | { kind: 'earlier'; run: RunEntity }
  | {
      kind: 'created';
      run: RunEntity;
      workflowName: string;
      definition: WorkflowDefinition;
      plugins: Record<string, PluginPin> | undefined;
    };

export type StartOutcome = { kind: 'plan'; body: DryRunResult } | { kind: 'started'; body: RunStarted };

@Injectable()
export class RunsService {
  private readonly logger = new Logger('runs');

  constructor(
    private readonly runs: RunRepository,
    private readonly workflowRepository: WorkflowRepository,
    private readonly workflows: WorkflowsService,
    private readonly engine: RunEngine,
    private readonly mirror: RunStateMirror,
    private readonly config: ApiConfig,
    private readonly audit: AuditTrail,
    private readonly quotas: RunQuotas,
    private readonly policies: TenantPolicyCache,
    private readonly plugins: PluginRepository,
  ) {}

  /**
   * Checks inputs and profile before anything exists, then records the run and starts it.
   * With an idempotency key the same key always answers with the same run and never starts
   * a second one (the unique key in PostgreSQL and the run-derived Temporal id both guard it).
   */
  async start(
    scope: TenantScope,
    workflowId: string,
    body: StartRunBody,
    idempotencyKey: string | undefined,
    audit: AuditContext,
  ): Promise<StartOutcome> {
    // One tenant transaction from the idempotency check to the audit record: the run row and
    // its `run.start` event commit together, in 2 round trips fewer than separate calls.
    const step = await this.audit.within(
      scope,
      audit,
      async (tx): Promise<StartStep> => {
        if (!body.dryRun && idempotencyKey !== undefined) {
          const earlier = await this.runs.findByIdempotencyKey(tx, idempotencyKey);
          if (earlier) return { kind: 'earlier', run: earlier };
        }
        const { workflow, version } = await this.workflows.pinned(tx, workflowId, body.version);
        const definition = version.definition;
        const resolved = resolveRunInputs(definition, body.inputs ?? {});
        throwIfErrors(resolved.problems, 'invalid_inputs', 'the run inputs');
        // The installation's ceiling, then the tenant's, then what the definition asks for.
        const tenantCeiling = (await this.policies.get(scope.tenantId))?.maxProfile ?? 'plan_only';
        const ceiling = minProfile(this.config.maxProfile, tenantCeiling);
        const profile = minProfile(definition.security_profile ?? ceiling, ceiling);
        throwIfErrors(
          checkProfile(definition, profile),
          'profile_violation',
          `security profile '${profile}'`,
        );
        if (body.dryRun) {
          return {
            kind: 'plan',
            body: { plan: planWorkflow(definition, resolved.values), profile, inputs: resolved.values },
          };
        }
        await this.quotas.admitRun(scope.tenantId);
        const runId = randomUUID();
        const { run, created } = await this.runs.create(tx, {
          id: runId,
          workflowId,
          workflowVersion: version.version,
          inputs: resolved.values,
          profile,
          temporalWorkflowId: temporalWorkflowIdFor(runId),
          ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
        });
        return created
          ? {
              kind: 'created',
              run,
              workflowName: workflow.name,
              definition,
              plugins: await this.pins(tx, run, definition),
            }
          : { kind: 'earlier', run };
      },
      (result) =>
        result.kind === 'created'
          ? {
              action: 'run.start',
              target: { type: 'run', id: result.run.id },
              details: {
                workflowId,
                workflowVersion: result.run.workflowVersion,
                profile: result.run.profile,
              },
            }
          : undefined,
    );
    switch (step.kind) {
      case 'plan':
        return { kind: 'plan', body: step.body };
      case 'earlier':
        return { kind: 'started', body: await this.resume(scope, step.run, workflowId) };
      case 'created':
        this.quotas.started(scope.tenantId);
        return {
          kind: 'started',
          body: await this.launch(scope, step.run, step.workflowName, step.definition, step.plugins),
        };
    }
  }

  async get(scope: TenantScope, runId: string): Promise<RunView> {
    const { run, state } = await this.mirror.observe(scope, await this.find(scope, runId));
    const workflow = await this.workflowRepository.findById(scope, run.workflowId);
    return toRunView(run, workflow?.name ?? '', state);
  }

  async list(scope: TenantScope, query: RunListQuery): Promise<RunSummary[]> {
    await this.mirror.refreshActive(scope, { ...(query.workflowId ? { workflowId: query.workflowId } : {}) });
    const runs = await this.runs.list(scope, {
      ...(query.workflowId ? { workflowId: query.workflowId } : {}),
      ...(query.status ? { status: query.status } : {}),
      limit: query.limit ? Number(query.limit) : 50,
    });
    return runs.map(toRunSummary);
  }

  async find(scope: TenantScope, runId: string): Promise<RunEntity> {
    const run = await this.runs.findById(scope, runId);
    if (!run) throw new RunError('run_not_found', `no run with id '${runId}'`);
    return run;
  }

  /** A repeated key: the earlier run, started now if an earlier attempt stopped short of it. */
  private async resume(scope: TenantScope, run: RunEntity, workflowId: string): Promise<RunStarted> {
    if (run.workflowId !== workflowId) {
      throw new RunError(
        'idempotency_key_reused',
        `this Idempotency-Key already started run ${run.id} of another workflow; use a new key`,
        { runId: run.id, workflowId: run.workflowId },
      );
    }
    if (run.status !== 'pending') return started(run, run.status);
    const { workflow, version } = await this.workflows.pinned(scope, run.workflowId, run.workflowVersion);
    const plugins = await this.pins(scope, run, version.definition);
    return this.launch(scope, run, workflow.name, version.definition, plugins);
  }

  /** The plugin versions pinned when this workflow version was saved; none without plugin steps. */
  private async pins(
    scope: TenantScope,
    run: RunEntity,
    definition: WorkflowDefinition,
  ): Promise<Record<string, PluginPin> | undefined> {
    if (!definition.steps.some((step) => step.type === 'plugin')) return undefined;
    const rows = await this.plugins.pinsFor(scope, run.workflowId, run.workflowVersion);
    return Object.fromEntries(
      rows.map((pin) => [pin.stepId, { id: pin.pluginKey, version: pin.version, digest: pin.digest }]),
    );
  }

  private async launch(
    scope: TenantScope,
    run: RunEntity,
    workflowName: string,
    definition: WorkflowDefinition,
    plugins: Record<string, PluginPin> | undefined,
  ): Promise<RunStarted> {
    await this.engine.start({
      ...(plugins === undefined ? {} : { plugins }),
      runId: run.id,
      tenantId: scope.tenantId,
      workflowId: run.workflowId,
      workflowName,
      workflowVersion: run.workflowVersion,
      definition,
      inputs: run.inputs,
      profile: run.profile,
    });
    // Off the response path: Temporal already holds the run. If this write is lost, the row
    // stays 'pending' until RunStateMirror sees the run in Temporal, and a retried start with
    // the same Idempotency-Key relaunches harmlessly (the Temporal workflow id is the run's).
    this.runs.markStarted(scope, run.id, new Date()).catch((err: unknown) => {
      this.logger.warn(
        `could not mark run ${run.id} started: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
    return started(run, 'running');
  }
}

function started(run: RunEntity, status: RunStarted['status']): RunStarted {
  return { runId: run.id, status, workflowId: run.workflowId, workflowVersion: run.workflowVersion };
}

function throwIfErrors(
  problems: Problem[],
  code: 'invalid_inputs' | 'profile_violation',
  what: string,
): void {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) return;
  const first = errors[0]!;
  throw new RunError(
    code,
    `${what}: ${errors.length} problem${errors.length === 1 ? '' : 's'}; first: ${first.path}: ${first.message}`,
    { problems: errors },
  );
}
