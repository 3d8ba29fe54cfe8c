/**
 * Names and shapes shared by the interpreter workflow and everything that talks to it
 * (worker, API, CLI). Safe to import from workflow code: no Node built-ins, no I/O.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Plan, RunStatus, SecurityProfile, StepStatus, WorkflowDefinition } from '@warden/definition';
import type { PluginPin } from './activity-contract';

/** The one generic workflow type that interprets every Warden definition. */
export const WARDEN_WORKFLOW_TYPE = 'wardenRun';

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
