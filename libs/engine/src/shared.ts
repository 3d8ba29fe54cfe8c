/**
 * Names and shapes shared by the interpreter workflow and everything that talks to it
 * (worker, API, CLI). Safe to import from workflow code: no Node built-ins, no I/O.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Plan, RunStatus, SecurityProfile, StepStatus, WorkflowDefinition } from '@warden/definition';
import type { PluginPin } from './activity-contract';

/** The one generic workflow type that interprets every Warden definition. */
export const WARDEN_WORKFLOW_TYPE = 'wardenRun';

/**
 * The workflow task timeout of a run (Temporal's default is 10 s). While a local activity (a
 * plugin step) runs, the worker keeps its workflow task open and heartbeats it at 80% of this.
 * A cancellation or a signal that arrives meanwhile reaches the run only at that heartbeat, so
 * this bounds how long a cancelled plugin step keeps running: about 3.2 s, not 8 s. A Warden
 * workflow task takes milliseconds, so 4 s leaves ample room on a busy worker.
 */
export const WARDEN_WORKFLOW_TASK_TIMEOUT = '4s';

/** Until tenancy lands every record belongs to this tenant. */
export const DEFAULT_TENANT_ID = '00000000-0000-0000-0000-000000000001';

/** The ONE place task queue names are made: pooled tenants get a queue each. */
export function taskQueueFor(tenantId: string): string {
  return `warden-${tenantId}`;
}

/** Derived from the run id so a retried start request cannot start the same run twice. */
export function temporalWorkflowIdFor(runId: string): string {
  return `warden-run-${runId}`;
}

export interface ApprovalDecision {
  stepId: string;
  decision: 'approve' | 'reject';
  /** Identity of the person deciding, as authenticated by the API. */
  approver: string;
  comment?: string;
}

export interface RunArgs {
  runId: string;
  tenantId: string;
  workflowId: string;
  workflowName: string;
  workflowVersion: number;
  /** The pinned definition version; never re-read during the run. */
  definition: WorkflowDefinition;
  /** Already resolved and validated (defaults applied). */
  inputs: Record<string, unknown>;
  profile: SecurityProfile;
  /** Step id -> the plugin version pinned for it (absent when the definition has no plugin step). */
  plugins?: Record<string, PluginPin>;
}

export interface StepError {
  code: string;
  message: string;
}

export interface StepApproval {
  decision: 'approve' | 'reject';
  approver: string;
  comment?: string;
  at: string;
}

export interface StepState {
  id: string;
  type: string;
  status: StepStatus;
  outputs: Record<string, unknown>;
  exit_code?: number;
  error?: StepError;
  attempts?: number;
  startedAt?: string;
  finishedAt?: string;
  approval?: StepApproval;
}

export interface RunState {
  runId: string;
  status: RunStatus;
  steps: Record<string, StepState>;
  /** Step ids in definition order, so clients can list steps stably. */
  order: string[];
  startedAt: string;
  finishedAt?: string;
  error?: { code: string; message: string; stepId?: string };
  /** Present for plan_only runs: what would have run. */
  plan?: Plan;
}

/** The failure type of a failed run; its details carry the final RunState. */
export const RUN_FAILED_ERROR_TYPE = 'WardenRunFailed';

export const approvalSignal = defineSignal<[ApprovalDecision]>('approval');
export const runStateQuery = defineQuery<RunState>('runState');

/**
 * The key maintenance workflow: after a rotation it moves a tenant's stored ciphertext to the
 * tenant's current data key, on the tenant's own queue (its worker holds its keys).
 */
export const REENCRYPT_WORKFLOW_TYPE = 'reencryptTenant';

/** One job per key version: a retried rotate request finds the job it already started. */
export function reencryptJobIdFor(tenantId: string, version: number): string {
  return `reencrypt-${tenantId}-v${version}`;
}

/** The tenant and version a job id names; undefined for any other text. */
export function parseReencryptJobId(jobId: string): { tenantId: string; version: number } | undefined {
  const match =
    /^reencrypt-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-v([1-9]\d{0,8})$/.exec(jobId);
  return match ? { tenantId: match[1]!, version: Number(match[2]) } : undefined;
}

export interface ReencryptArgs {
  tenantId: string;
  /** Values sealed with a tenant key version below this one are moved to the current version. */
  targetVersion: number;
  /** The encrypted tables, in order (ENCRYPTED_TABLES of @warden/persistence). */
  tables: string[];
  /** Rows per batch: one activity, one transaction. Default 100. */
  batchSize?: number;
  /** Carried across continue-as-new: where the job was. */
  resume?: { progress: ReencryptProgress; cursor: string | null };
}

export interface ReencryptTableProgress {
  table: string;
  /** Rows found stale when the job reached the table (rows written later may add to it). */
  total: number;
  processed: number;
  failed: number;
  done: boolean;
}

/** A row that could not be moved (its key destroyed, its ciphertext tampered): it stays as it is. */
export interface ReencryptFailure {
  table: string;
  recordId: string;
  /** A CryptoError code, e.g. key_destroyed. */
  code: string;
}

export interface ReencryptProgress {
  tenantId: string;
  targetVersion: number;
  /** The table being worked on; null before the first and after the last. */
  table: string | null;
  processed: number;
  total: number;
  failed: number;
  done: boolean;
  startedAt: string;
  finishedAt?: string;
  tables: ReencryptTableProgress[];
  /** The first failures (at most 20). */
  failures: ReencryptFailure[];
  /** Why the job stopped before its end (a batch kept failing); the rows done stay done. */
  error?: string;
}

export const reencryptProgressQuery = defineQuery<ReencryptProgress>('progress');
