import { Injectable } from '@nestjs/common';
import type { RunState } from '@warden/engine';
import { isTerminalRunStatus, RunRepository, type RunEntity, type TenantScope } from '@warden/persistence';
import { RunEngine } from './run-engine';
import { storableCopy } from './storable-copy';

function isRunState(value: unknown): value is RunState {
  return (
    typeof value === 'object' && value !== null && 'runId' in value && 'status' in value && 'steps' in value
  );
}

/**
 * Reads a run's state from the engine and mirrors its status onto the run row, so lists and
 * audits work from PostgreSQL and a finished run stays readable after Temporal's retention.
 */
@Injectable()
export class RunStateMirror {
  constructor(
    private readonly runs: RunRepository,
    private readonly engine: RunEngine,
  ) {}

  /** The row (updated when the engine knows more) and the engine's state, if it has one. */
  async observe(
    scope: TenantScope,
    run: RunEntity,
  ): Promise<{ run: RunEntity; state: RunState | undefined }> {
    if (isTerminalRunStatus(run.status) && isRunState(run.result)) return { run, state: run.result };
    const state = await this.engine.state({ tenantId: scope.tenantId, runId: run.id });
    if (!state || state.status === run.status) return { run, state };
    const final = isTerminalRunStatus(state.status);
    const mirrored = await this.runs.mirrorStatus(scope, run.id, {
      status: state.status,
      ...(final
        ? {
            result: storableCopy(state),
            error: storableCopy(state.error ?? null),
            finishedAt: state.finishedAt ? new Date(state.finishedAt) : new Date(),
          }
        : {}),
    });
    return { run: mirrored ?? run, state };
  }

  /**
   * Brings the newest not-yet-final rows up to date before a list is read. Bounded, and
   * best effort: when the engine is unreachable the list shows the last mirrored statuses.
   */
  async refreshActive(scope: TenantScope, filter: { workflowId?: string }): Promise<void> {
    const active = await this.runs.listActive(scope, { ...filter, limit: 50 });
    await Promise.all(
      active.map(async (run) => {
        try {
          if (await this.engine.hasEnded({ tenantId: scope.tenantId, runId: run.id }))
            await this.observe(scope, run);
        } catch {
          // Stale is acceptable for a list; GET /v1/runs/:id reports engine errors.
        }
      }),
    );
  }
}
