import type { SchemaObject } from '@nestjs/swagger';
import type { Plan, RunStatus, SecurityProfile } from '@warden/definition';
import type { RunState, StepState } from '@warden/engine';
import type { RunEntity, RunErrorRecord } from '@warden/persistence';
import { timestampSchema, uuidSchema, pageLimitQuerySchema } from '../http/common.schemas';
import { requestSchema } from '../http/schema-validation';

const RUN_STATUSES: RunStatus[] = [
  'pending',
  'running',
  'waiting_approval',
  'succeeded',
  'failed',
  'cancelled',
];
const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

// ---- requests ----

export interface StartRunBody {
  inputs?: Record<string, unknown>;
  version?: number;
  dryRun?: boolean;
}

export const startRunBody = requestSchema<StartRunBody>(
  {
    type: 'object',
    additionalProperties: false,
    properties: {
      inputs: { type: 'object', description: 'run inputs by name; defaults apply to the missing ones' },
      version: {
        type: 'integer',
        minimum: 1,
        // Versions are PostgreSQL integers; larger numbers name nothing and would fail the query.
        maximum: 2147483647,
        description: 'definition version; default the current one',
      },
      dryRun: { type: 'boolean', description: 'return the plan instead of starting a run' },
    },
  },
  'request body',
);

export interface ApprovalBody {
  stepId: string;
  decision: 'approve' | 'reject';
  comment?: string;
}

export const approvalBody = requestSchema<ApprovalBody>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['stepId', 'decision'],
    properties: {
      stepId: { type: 'string', minLength: 1, maxLength: 200 },
      decision: { type: 'string', enum: ['approve', 'reject'] },
      comment: { type: 'string', maxLength: 2000 },
    },
  },
  'request body',
);

export interface RunListQuery {
  workflowId?: string;
  status?: RunStatus;
  limit?: string;
}

export const runListQuery = requestSchema<RunListQuery>(
  {
    type: 'object',
    additionalProperties: false,
    properties: {
      workflowId: { type: 'string', pattern: UUID_PATTERN },
      status: { type: 'string', enum: RUN_STATUSES },
      limit: pageLimitQuerySchema,
    },
  },
  'query',
);

export const idempotencyKeyHeader = requestSchema<string>(
  { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
  'Idempotency-Key header',
  'Idempotency-Key',
);

// ---- responses ----

export interface RunStarted {
  runId: string;
  status: RunStatus;
  workflowId: string;
  workflowVersion: number;
}

export interface DryRunResult {
  plan: Plan;
  profile: SecurityProfile;
  inputs: Record<string, unknown>;
}

export interface RunSummary {
  runId: string;
  workflowId: string;
  workflowVersion: number;
  status: RunStatus;
  profile: SecurityProfile;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: RunErrorRecord | null;
}

export interface RunView extends RunSummary {
  workflowName: string;
  inputs: Record<string, unknown>;
  /** In definition order. */
  steps: StepState[];
  /** Present for plan_only runs. */
  plan?: Plan;
}

export function toRunSummary(run: RunEntity): RunSummary {
  return {
    runId: run.id,
    workflowId: run.workflowId,
    workflowVersion: run.workflowVersion,
    status: run.status,
    profile: run.profile,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    error: run.error,
  };
}

/** The row says who and what; the engine's state (when known) says how far it got. */
export function toRunView(run: RunEntity, workflowName: string, state: RunState | undefined): RunView {
  const view: RunView = {
    ...toRunSummary(run),
    workflowName,
    inputs: run.inputs,
    steps: state ? state.order.flatMap((id) => (state.steps[id] ? [state.steps[id]] : [])) : [],
  };
  if (state?.plan) view.plan = state.plan;
  return view;
}

const runErrorSchema: SchemaObject = {
  type: 'object',
  nullable: true,
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' }, stepId: { type: 'string' } },
};

const summaryProperties: Record<string, SchemaObject> = {
  runId: uuidSchema,
  workflowId: uuidSchema,
  workflowVersion: { type: 'integer', minimum: 1 },
  status: { type: 'string', enum: RUN_STATUSES },
  profile: { type: 'string', enum: ['plan_only', 'restricted', 'standard', 'elevated'] },
  createdAt: timestampSchema,
  startedAt: { ...timestampSchema, nullable: true },
  finishedAt: { ...timestampSchema, nullable: true },
  error: runErrorSchema,
};

export const runSummarySchema: SchemaObject = {
  type: 'object',
  required: Object.keys(summaryProperties),
  properties: summaryProperties,
};

export const runListSchema: SchemaObject = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: runSummarySchema } },
};

const stepStateSchema: SchemaObject = {
  type: 'object',
  required: ['id', 'type', 'status', 'outputs'],
  properties: {
    id: { type: 'string' },
    type: { type: 'string' },
    status: {
      type: 'string',
      enum: ['pending', 'running', 'waiting', 'succeeded', 'failed', 'skipped', 'cancelled'],
    },
    outputs: { type: 'object', description: 'e.g. stdout/stderr of a shell step, body of an http step' },
    exit_code: { type: 'integer' },
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
    attempts: { type: 'integer' },
    startedAt: timestampSchema,
    finishedAt: timestampSchema,
    approval: {
      type: 'object',
      properties: {
        decision: { type: 'string', enum: ['approve', 'reject'] },
        approver: { type: 'string' },
        comment: { type: 'string' },
        at: timestampSchema,
      },
    },
  },
};

export const runViewSchema: SchemaObject = {
  type: 'object',
  required: [...Object.keys(summaryProperties), 'workflowName', 'inputs', 'steps'],
  properties: {
    ...summaryProperties,
    workflowName: { type: 'string' },
    inputs: { type: 'object' },
    steps: { type: 'array', items: stepStateSchema },
    plan: { type: 'object', description: 'for plan_only runs: what would have run' },
  },
};

export const runStartedSchema: SchemaObject = {
  type: 'object',
  required: ['runId', 'status', 'workflowId', 'workflowVersion'],
  properties: {
    runId: uuidSchema,
    status: { type: 'string', enum: RUN_STATUSES },
    workflowId: uuidSchema,
    workflowVersion: { type: 'integer' },
  },
};

export const dryRunSchema: SchemaObject = {
  type: 'object',
  required: ['plan', 'profile', 'inputs'],
  properties: {
    plan: {
      type: 'object',
      description: 'stages of step ids, each step with its rendered fields and `when`',
    },
    profile: { type: 'string' },
    inputs: { type: 'object', description: 'the resolved inputs (defaults applied)' },
  },
};

export const approvalAcceptedSchema: SchemaObject = {
  type: 'object',
  required: ['runId', 'stepId', 'decision', 'approver'],
  properties: {
    runId: uuidSchema,
    stepId: { type: 'string' },
    decision: { type: 'string', enum: ['approve', 'reject'] },
    approver: { type: 'string' },
  },
};

export const cancelAcceptedSchema: SchemaObject = {
  type: 'object',
  required: ['runId', 'status', 'cancelRequested'],
  properties: {
    runId: uuidSchema,
    status: { type: 'string', enum: RUN_STATUSES, description: 'status when the request arrived' },
    cancelRequested: { type: 'boolean' },
  },
};
