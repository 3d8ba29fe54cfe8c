/**
 * One executor per step type. Pure types run right here in workflow code; shell and http are
 * activities; delay is a durable timer; approval waits for a signal.
 */
import { condition, log, proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import {
  evaluateExpression,
  ExpressionError,
  isSealedSecret,
  isSecret,
  renderArgv,
  renderTemplate,
  renderValue,
  type ApprovalStep,
  type AssertStep,
  type DelayStep,
  type ExpressionContext,
  type HttpStep,
  type LogStep,
  type PluginStep,
  type ShellStep,
  type Step,
  type StringOrSecret,
  type TransformStep,
} from '@warden/definition/runtime';
import type {
  PluginChainMember,
  PluginChainResult,
  SecretOwner,
  StepString,
  WardenActivities,
} from '../activity-contract';
import { stepOutputsOf } from '../step-outputs';
import type { RunArgs } from '../shared';
import {
  activityOptionsFor,
  DEFAULT_STEP_TIMEOUT_SECONDS,
  localActivityOptionsFor,
} from './activity-options';
import type { ApprovalInbox } from './approvals';
import { chainContext } from './plugin-chains';
import type { StepOutcome } from './run-state';
import { isWorkerLoss, STEP_ERROR_CODES, StepFailure } from './step-failure';

export interface ExecutionEnv {
  args: RunArgs;
  /** A fresh context with the outputs of every step finished so far. */
  context(): ExpressionContext;
  approvals: ApprovalInbox;
  onWaiting(stepId: string, outputs: Record<string, unknown>): void;
  now(): string;
}

type Executor = (step: Step, env: ExecutionEnv) => Promise<StepOutcome>;

/** How often a step is handed to another worker after its worker died, before giving up. */
const MAX_WORKER_LOSSES = 3;

async function surviveWorkerLoss<T>(call: () => Promise<T>): Promise<T> {
  for (let losses = 0; ; losses++) {
    try {
      return await call();
    } catch (err) {
      if (losses >= MAX_WORKER_LOSSES || !isWorkerLoss(err)) throw err;
      log.warn('step worker lost; scheduling the step again', { losses: losses + 1 });
    }
  }
}

function activitiesFor(step: Step): WardenActivities {
  return proxyActivities<WardenActivities>(activityOptionsFor(step));
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Templates filled in; a sealed secret passes through untouched, for the activity to open. A
 * secret in any other form never reaches history: the API seals every one it stores.
 */
function renderStringMap(
  map: Record<string, StringOrSecret> | undefined,
  ctx: ExpressionContext,
  field: string,
): Record<string, StepString> {
  const out: Record<string, StepString> = {};
  for (const [key, value] of Object.entries(map ?? {})) {
    if (typeof value === 'string') out[key] = asText(renderTemplate(value, ctx));
    else if (isSealedSecret(value)) out[key] = { secret: true, ciphertext: value.ciphertext };
    else throw notSealed(`${field}.${key}`);
  }
  return out;
}

function notSealed(field: string): StepFailure {
  return new StepFailure(
    STEP_ERROR_CODES.secretUnreadable,
    `secret ${field} was not sealed: definitions with secrets run only as stored by the API`,
  );
}

/** Only for a step with sealed values: any other step's activity input stays as it always was. */
function sealedFor(values: readonly unknown[], args: RunArgs): { sealedFor?: SecretOwner } {
  if (!values.some(isSecret)) return {};
  return {
    sealedFor: {
      tenantId: args.tenantId,
      workflowId: args.workflowId,
      workflowVersion: args.workflowVersion,
    },
  };
}

function argvOf(command: string, ctx: ExpressionContext): string[] {
  try {
    return renderArgv(command, ctx);
  } catch (err) {
    if (err instanceof ExpressionError) throw err;
    // The validator refuses shell operators; this only guards definitions that bypassed it.
    throw new StepFailure(STEP_ERROR_CODES.invalidCommand, err instanceof Error ? err.message : String(err));
  }
}

const runShell: Executor = async (raw, env) => {
  const step = raw as ShellStep;
  const ctx = env.context();
  const base = {
    runId: env.args.runId,
    stepId: step.id,
    profile: env.args.profile,
    env: renderStringMap(step.env, ctx, 'env'),
    ...sealedFor(Object.values(step.env ?? {}), env.args),
  };
  // `shell: bash` scripts are never templated: values reach them only as environment variables.
  const input =
    step.shell === 'bash'
      ? { ...base, mode: 'bash' as const, script: step.command }
      : { ...base, mode: 'argv' as const, argv: argvOf(step.command, ctx) };
  const result = await surviveWorkerLoss(() => activitiesFor(step).runShell(input));
  return {
    outputs: { stdout: result.stdout, stderr: result.stderr, truncated: result.truncated },
    exit_code: result.exit_code,
    attempts: result.attempt,
  };
};

const runHttp: Executor = async (raw, env) => {
  const step = raw as HttpStep;
  const ctx = env.context();
  const expected = step.expected_status;
  const input = {
    runId: env.args.runId,
    stepId: step.id,
    profile: env.args.profile,
    method: step.method ?? 'GET',
    url: asText(renderTemplate(step.url, ctx)),
    headers: renderStringMap(step.headers, ctx, 'headers'),
    ...sealedFor(Object.values(step.headers ?? {}), env.args),
    ...(step.body === undefined ? {} : { body: renderValue(step.body, ctx) }),
    expected_status: expected === undefined ? [] : Array.isArray(expected) ? expected : [expected],
    ...(step.credential === undefined
      ? {}
      : { credential: { tenantId: env.args.tenantId, name: step.credential } }),
  };
  const result = await surviveWorkerLoss(() => activitiesFor(step).runHttp(input));
  return {
    outputs: {
      status: result.status,
      headers: result.headers,
      body: result.body,
      truncated: result.truncated,
    },
    attempts: result.attempt,
  };
};

function pinOf(step: PluginStep, env: ExecutionEnv) {
  const pin = env.args.plugins?.[step.id];
  if (pin === undefined) {
    throw new StepFailure(
      STEP_ERROR_CODES.pluginNotPinned,
      `step '${step.id}' names plugin '${step.plugin}' but the run carries no pinned version for it`,
    );
  }
  return pin;
}

const runPlugin: Executor = async (raw, env) => {
  const step = raw as PluginStep;
  const input = {
    runId: env.args.runId,
    stepId: step.id,
    profile: env.args.profile,
    tenantId: env.args.tenantId,
    plugin: pinOf(step, env),
    input: step.with === undefined ? {} : renderValue(step.with, env.context()),
    config: step.config ?? {},
    credentials: step.credentials ?? {},
    ...sealedFor(Object.values(step.config ?? {}), env.args),
  };
  const result = await proxyLocalActivities<WardenActivities>(localActivityOptionsFor(step)).runPlugin(input);
  return { outputs: stepOutputsOf(result.output), attempts: result.attempt };
};

/**
 * Chained plugin steps (plugin-chains.ts) in one local activity. Members have no retry or timeout
 * of their own: the activity gets the sum of their default step timeouts and one attempt.
 */
export function executePluginChain(
  chain: readonly PluginStep[],
  env: ExecutionEnv,
): Promise<PluginChainResult> {
  const members: PluginChainMember[] = chain.map((step) => ({
    stepId: step.id,
    plugin: pinOf(step, env),
    ...(step.with === undefined ? {} : { with: step.with }),
    config: step.config ?? {},
    credentials: step.credentials ?? {},
    ...sealedFor(Object.values(step.config ?? {}), env.args),
  }));
  const options = localActivityOptionsFor({ timeout: chain.length * DEFAULT_STEP_TIMEOUT_SECONDS });
  return proxyLocalActivities<WardenActivities>(options).runPluginChain({
    runId: env.args.runId,
    tenantId: env.args.tenantId,
    profile: env.args.profile,
    context: chainContext(chain, env.context()),
    members,
  });
}

const runTransform: Executor = async (raw, env) => ({
  outputs: stepOutputsOf(renderValue((raw as TransformStep).output, env.context())),
});

const runAssert: Executor = async (raw, env) => {
  const step = raw as AssertStep;
  if (!evaluateExpression(step.condition, env.context())) {
    throw new StepFailure(
      STEP_ERROR_CODES.assertionFailed,
      step.message ?? `assertion failed: ${step.condition}`,
    );
  }
  return { outputs: {} };
};

const runLog: Executor = async (raw, env) => {
  const step = raw as LogStep;
  const message = asText(renderTemplate(step.message, env.context()));
  log[step.level ?? 'info'](message, { runId: env.args.runId, stepId: step.id });
  return { outputs: { message } };
};

const runDelay: Executor = async (raw) => {
  await sleep((raw as DelayStep).duration * 1000);
  return { outputs: {} };
};

const runApproval: Executor = async (raw, env) => {
  const step = raw as ApprovalStep;
  // Shown to approvers while the step waits (through the runState query).
  const message = step.message === undefined ? null : asText(renderTemplate(step.message, env.context()));
  env.onWaiting(step.id, { message });
  const arrived = (): boolean => env.approvals.has(step.id);
  let decided = true;
  if (step.timeout === undefined) await condition(arrived);
  else decided = await condition(arrived, step.timeout * 1000);
  const decision = env.approvals.take(step.id);
  if (!decided || decision === undefined) {
    throw new StepFailure(STEP_ERROR_CODES.approvalTimeout, `no decision within ${step.timeout ?? 0} s`);
  }
  const approval = {
    decision: decision.decision,
    approver: decision.approver,
    ...(decision.comment === undefined ? {} : { comment: decision.comment }),
    at: env.now(),
  };
  const outputs = {
    message,
    decision: approval.decision,
    approver: approval.approver,
    comment: approval.comment ?? null,
  };
  const outcome = { outputs, approval };
  if (decision.decision === 'reject') {
    throw new StepFailure(STEP_ERROR_CODES.approvalRejected, `rejected by ${decision.approver}`, outcome);
  }
  return outcome;
};

const EXECUTORS: Record<string, Executor> = {
  shell: runShell,
  http: runHttp,
  transform: runTransform,
  assert: runAssert,
  log: runLog,
  noop: async () => ({ outputs: {} }),
  delay: runDelay,
  approval: runApproval,
  plugin: runPlugin,
};

export function executeStep(step: Step, env: ExecutionEnv): Promise<StepOutcome> {
  const executor = EXECUTORS[step.type];
  if (executor === undefined) {
    return Promise.reject(
      new StepFailure(STEP_ERROR_CODES.unsupportedStepType, `no executor for step type '${step.type}'`),
    );
  }
  return executor(step, env);
}
