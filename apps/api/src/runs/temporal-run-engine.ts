import { Injectable } from '@nestjs/common';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  approvalSignal,
  getRunState,
  RunNotFoundError,
  taskQueueFor,
  temporalWorkflowIdFor,
  WARDEN_WORKFLOW_TASK_TIMEOUT,
  WARDEN_WORKFLOW_TYPE,
  type ApprovalDecision,
  type RunArgs,
  type RunState,
} from '@warden/engine';
import { callEngine } from '../temporal/engine-call';
import { TenantClients } from '../temporal/tenant-clients';
import { RunError } from './runs.errors';
import { RunEngine, type RunRef } from './run-engine';

/** Each call goes through the run's tenant's client: its payloads are that tenant's ciphertext. */
@Injectable()
export class TemporalRunEngine extends RunEngine {
  constructor(private readonly clients: TenantClients) {
    super();
  }

  async start(args: RunArgs): Promise<void> {
    const client = this.clients.forTenant(args.tenantId);
    try {
      await this.call(client, () =>
        client.workflow.start(WARDEN_WORKFLOW_TYPE, {
          taskQueue: taskQueueFor(args.tenantId),
          workflowId: temporalWorkflowIdFor(args.runId),
          // A workflow id is used once, ever: a repeated start after the run ended must not run it again.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [args],
          memo: { tenantId: args.tenantId },
          workflowTaskTimeout: WARDEN_WORKFLOW_TASK_TIMEOUT,
        }),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      throw err;
    }
  }

  async state(run: RunRef): Promise<RunState | undefined> {
    const client = this.clients.forTenant(run.tenantId);
    try {
      return await this.call(client, () => getRunState(client, run.runId));
    } catch (err) {
      if (err instanceof RunNotFoundError) return undefined;
      throw err;
    }
  }

  async hasEnded(run: RunRef): Promise<boolean | undefined> {
    try {
      const description = await this.call(this.clients.forTenant(run.tenantId), () =>
        this.handle(run).describe(),
      );
      return description.status.name !== 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  async signalApproval(run: RunRef, decision: ApprovalDecision): Promise<void> {
    await this.call(this.clients.forTenant(run.tenantId), () =>
      this.handle(run).signal(approvalSignal, decision),
    );
  }

  async countOpenRuns(tenantId: string): Promise<number> {
    // From Temporal's visibility store, not the runs table: a row is only mirrored to a final
    // status when someone looks, Temporal knows at once. The queue name holds only a uuid.
    // Runs only: the tenant's key maintenance job runs on the same queue.
    const query =
      `TaskQueue = '${taskQueueFor(tenantId)}' AND ExecutionStatus = 'Running'` +
      ` AND WorkflowType = '${WARDEN_WORKFLOW_TYPE}'`;
    const client = this.clients.forTenant(tenantId);
    const { count } = await this.call(client, () => client.workflow.count(query));
    return count;
  }

  async requestCancel(run: RunRef): Promise<void> {
    await this.call(this.clients.forTenant(run.tenantId), () => this.handle(run).cancel());
  }

  private handle(run: RunRef) {
    return this.clients.forTenant(run.tenantId).workflow.getHandle(temporalWorkflowIdFor(run.runId));
  }

  private call<T>(client: Client, fn: () => Promise<T>): Promise<T> {
    return callEngine(
      client,
      fn,
      () =>
        new RunError('engine_unavailable', 'the workflow engine did not answer in time; try again shortly'),
    );
  }
}
