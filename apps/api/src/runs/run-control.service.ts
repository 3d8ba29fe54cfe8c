import { Injectable } from '@nestjs/common';
import type { Step } from '@warden/definition';
import { isTerminalRunStatus, RunRepository, type TenantScope } from '@warden/persistence';
import type { AuditContext } from '../audit/audit-context';
import { AuditTrail } from '../audit/audit-trail';
import type { Principal } from '../http/request-context';
import { WorkflowsService } from '../workflows/workflows.service';
import { RunEngine } from './run-engine';
import { RunStateMirror } from './run-state-mirror';
import type { ApprovalBody, RunStarted } from './runs.dto';
import { RunError } from './runs.errors';
import { RunsService } from './runs.service';

export interface ApprovalAccepted {
  runId: string;
  stepId: string;
  decision: ApprovalBody['decision'];
  approver: string;
}

export interface CancelAccepted {
  runId: string;
  status: RunStarted['status'];
  cancelRequested: boolean;
}

/** Decisions people make about a running run: approvals and cancellation. */
@Injectable()
export class RunControlService {
  constructor(
    private readonly runsService: RunsService,
    private readonly runs: RunRepository,
    private readonly workflows: WorkflowsService,
    private readonly engine: RunEngine,
    private readonly mirror: RunStateMirror,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * Checks the decision against the live state first (the workflow ignores invalid signals
   * silently, so this is where the caller gets a precise answer), then signals it.
   */
  async approve(
    scope: TenantScope,
    principal: Principal,
    runId: string,
    body: ApprovalBody,
    audit: AuditContext,
  ): Promise<ApprovalAccepted> {
    const { run, state } = await this.mirror.observe(scope, await this.runsService.find(scope, runId));
    if (!state || isTerminalRunStatus(state.status)) {
      throw new RunError(
        'run_not_active',
        `run ${runId} is ${state?.status ?? run.status}; nothing to approve`,
      );
    }
    // Own keys only: a stepId of 'constructor' must not find Object.prototype's.
    const step = Object.hasOwn(state.steps, body.stepId) ? state.steps[body.stepId] : undefined;
    if (!step) {
      throw new RunError('step_not_found', `run ${runId} has no step '${body.stepId}'`, {
        problems: [{ path: 'stepId', message: `must be one of: ${state.order.join(', ')}` }],
      });
    }
    if (step.status !== 'waiting') {
      throw new RunError(
        'step_not_waiting',
        `step '${body.stepId}' is ${step.status}, not waiting for approval`,
        {
          stepStatus: step.status,
        },
      );
    }
    const { version } = await this.workflows.pinned(scope, run.workflowId, run.workflowVersion);
    const approvers = approversOf(version.definition.steps.find((s) => s.id === body.stepId));
    if (approvers.length > 0 && !approvers.includes(principal.id)) {
      throw new RunError('not_an_approver', `'${principal.id}' may not decide step '${body.stepId}'`);
    }
    await this.engine.signalApproval(
      { tenantId: scope.tenantId, runId: run.id },
      {
        stepId: body.stepId,
        decision: body.decision,
        approver: principal.id,
        ...(body.comment !== undefined ? { comment: body.comment } : {}),
      },
    );
    await this.audit.recordAfter(scope, audit, {
      action: 'run.approval',
      target: { type: 'run', id: run.id },
      details: { stepId: body.stepId, decision: body.decision },
    });
    return { runId: run.id, stepId: body.stepId, decision: body.decision, approver: principal.id };
  }

  async cancel(scope: TenantScope, runId: string, audit: AuditContext): Promise<CancelAccepted> {
    const cancelled = { action: 'run.cancel', target: { type: 'run', id: runId } };
    const run = await this.runsService.find(scope, runId);
    if (isTerminalRunStatus(run.status)) throw notActive(runId, run.status);
    const ended = await this.engine.hasEnded({ tenantId: scope.tenantId, runId: run.id });
    if (ended === undefined) {
      // Recorded but never started (the engine was down): nothing runs, so cancel the record.
      await this.runs.mirrorStatus(scope, run.id, {
        status: 'cancelled',
        error: { code: 'cancelled', message: 'cancelled before it started' },
        finishedAt: new Date(),
      });
      await this.audit.recordAfter(scope, audit, { ...cancelled, details: { beforeStart: true } });
      return { runId: run.id, status: 'cancelled', cancelRequested: true };
    }
    if (ended) {
      const { run: mirrored } = await this.mirror.observe(scope, run);
      throw notActive(runId, mirrored.status);
    }
    await this.engine.requestCancel({ tenantId: scope.tenantId, runId: run.id });
    await this.audit.recordAfter(scope, audit, cancelled);
    return { runId: run.id, status: run.status, cancelRequested: true };
  }
}

function notActive(runId: string, status: string): RunError {
  return new RunError('run_not_active', `run ${runId} already ended (${status})`);
}

function approversOf(step: Step | undefined): string[] {
  const approvers: unknown = step && 'approvers' in step ? step.approvers : undefined;
  return Array.isArray(approvers) ? approvers.filter((a): a is string => typeof a === 'string') : [];
}
