import { Injectable } from '@nestjs/common';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  REENCRYPT_WORKFLOW_TYPE,
  reencryptJobIdFor,
  reencryptProgressQuery,
  taskQueueFor,
  type ReencryptArgs,
  type ReencryptProgress,
} from '@warden/engine';
import { ENCRYPTED_TABLES } from '@warden/persistence';
import { callEngine } from '../temporal/engine-call';
import { TenantClients } from '../temporal/tenant-clients';
import type { KeyJobStatus, KeyJobView } from './keys.dto';
import { KeysError } from './keys.errors';

const STATUSES: Readonly<Record<string, KeyJobStatus>> = {
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
};

/**
 * The re-encryption jobs in Temporal, each through its tenant's client (the job's payloads are
 * that tenant's ciphertext) on the tenant's own queue (its worker holds its keys).
 */
@Injectable()
export class KeyJobs {
  constructor(private readonly clients: TenantClients) {}

  /** Starts the job for a version once: a repeated start returns the same job. */
  async start(tenantId: string, targetVersion: number): Promise<string> {
    const jobId = reencryptJobIdFor(tenantId, targetVersion);
    const client = this.clients.forTenant(tenantId);
    const args: ReencryptArgs = { tenantId, targetVersion, tables: [...ENCRYPTED_TABLES] };
    try {
      await this.call(client, () =>
        client.workflow.start(REENCRYPT_WORKFLOW_TYPE, {
          taskQueue: taskQueueFor(tenantId),
          workflowId: jobId,
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [args],
          memo: { tenantId },
        }),
      );
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return jobId;
  }

  /** The job's state and progress; undefined when there is no such job. */
  async get(tenantId: string, jobId: string): Promise<KeyJobView | undefined> {
    const client = this.clients.forTenant(tenantId);
    const handle = client.workflow.getHandle(jobId);
    let statusName: string;
    try {
      statusName = (await this.call(client, () => handle.describe())).status.name;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
    const status = STATUSES[statusName] ?? 'running';
    if (status === 'completed') {
      return {
        jobId,
        status,
        progress: await this.call(client, () => handle.result() as Promise<ReencryptProgress>),
      };
    }
    let progress: ReencryptProgress | null = null;
    try {
      progress = await this.call(client, () => handle.query(reencryptProgressQuery));
    } catch {
      // No worker of the tenant is polling right now: the status alone still answers.
    }
    return { jobId, status, progress };
  }

  /** Workflows on the tenant's queue still running that started before `before` (their history may use older keys). */
  async openRunsStartedBefore(tenantId: string, before: Date): Promise<number> {
    const client = this.clients.forTenant(tenantId);
    // The queue name holds only a uuid and the time is ISO 8601: nothing to escape.
    const query =
      `TaskQueue = '${taskQueueFor(tenantId)}' AND ExecutionStatus = 'Running'` +
      ` AND StartTime < '${before.toISOString()}'`;
    const { count } = await this.call(client, () => client.workflow.count(query));
    return count;
  }

  private call<T>(client: Client, fn: () => Promise<T>): Promise<T> {
    return callEngine(
      client,
      fn,
      () =>
        new KeysError('engine_unavailable', 'the workflow engine did not answer in time; try again shortly'),
    );
  }
}
