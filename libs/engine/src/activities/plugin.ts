/**
 * The plugin step: load the pinned version (signature checked against the stored bytes), hand
 * the job to the tenant's sandbox pool, audit the execution, and map sandbox failures onto
 * activity failures the workflow understands. Plugin code never runs in this process.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  DETERMINISTIC_FAILURES,
  SandboxFailure,
  type CredentialBinding,
  type SandboxFailureKind,
  type SandboxJob,
  type SandboxLimits,
  type SandboxResult,
  type SandboxUsage,
} from '@warden/sandbox';
import { ExpressionError, renderValue, type ExpressionContext } from '@warden/definition/runtime';
import { canonicalize } from 'json-canonicalize';
import { throwIfCancelled, withHeartbeat } from './heartbeat';
import { assertProfileAllows } from './profile-guard';
import { OpenedSecrets } from './secrets';
import {
  ACTIVITY_ERROR_TYPES,
  PLUGIN_FAILURE_TYPE_PREFIX,
  type ActivityLimits,
  type EngineLogger,
  type PluginActivityInput,
  type PluginActivityResult,
  type PluginChainFailure,
  type PluginChainInput,
  type PluginChainResult,
  type PluginPin,
  type SecretFields,
} from '../activity-contract';
import { stepOutputsOf } from '../step-outputs';

export interface PluginCredentialSlot {
  name: string;
  hosts: string[];
  inject: CredentialBinding['inject'];
}

/** A plugin version as it will run: verified, compiled, with its limits and capabilities. */
export interface LoadedPlugin {
  pin: PluginPin;
  /** Compiled CommonJS text, made from the verified source. */
  code: string;
  /** Key that signed the digest. */
  signingKeyId: string;
  outputSchema?: Record<string, unknown>;
  /** Problems of the input against the manifest's input schema; empty when it fits. */
  checkInput(input: unknown): string[];
  /** Within the platform's caps. */
  limits: SandboxLimits;
  /** The manifest's hosts intersected with the tenant's policy. */
  allowedHosts: string[];
  /** Each slot's hosts intersected with the tenant's policy, like allowedHosts. */
  credentialSlots: PluginCredentialSlot[];
  /** Tenant policy: the sandbox refuses the job rather than run it without bubblewrap. */
  requireOsSandbox: boolean;
  /** The tenant's quota of plugin fetches per minute (absent: none). */
  fetchesPerMinute?: number;
}

export type PluginOutcome = 'ok' | SandboxFailureKind;

/** What the audit record of one execution holds (no input or output values, only digests). */
export interface PluginExecutionRecord {
  tenantId: string;
  runId: string;
  stepId: string;
  attempt: number;
  plugin: PluginPin;
  signingKeyId: string;
  inputDigest: string;
  outputDigest: string | null;
  capabilitiesUsed: string[];
  usage: Partial<SandboxUsage>;
  outcome: PluginOutcome;
  unconfined: boolean;
}

/** Thrown by PluginHost.load when the version cannot run (missing, digest or signature wrong). */
export class PluginLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginLoadError';
  }
}

/** What the worker provides: loading from the registry, the sandbox, and the audit sink. */
export interface PluginHost {
  load(tenantId: string, pin: PluginPin): Promise<LoadedPlugin>;
  execute(job: SandboxJob): Promise<SandboxResult>;
  record(execution: PluginExecutionRecord): Promise<void>;
}

export function valueDigest(value: unknown): string {
  return createHash('sha256')
    .update(canonicalize(value === undefined ? null : value))
    .digest('hex');
}

function unavailable(message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: ACTIVITY_ERROR_TYPES.pluginUnavailable,
    message,
    nonRetryable: true,
  });
}

function bindCredentials(slots: PluginCredentialSlot[], bound: Record<string, string>): CredentialBinding[] {
  const known = new Set(slots.map((s) => s.name));
  const stray = Object.keys(bound).find((slot) => !known.has(slot));
  if (stray !== undefined) throw unavailable(`the plugin has no credential slot '${stray}'`);
  return slots
    .filter((slot) => bound[slot.name] !== undefined)
    .map((slot) => ({
      slot: slot.name,
      credential: bound[slot.name]!,
      hosts: slot.hosts,
      inject: slot.inject,
    }));
}

async function loadPlugin(host: PluginHost, tenantId: string, pin: PluginPin): Promise<LoadedPlugin> {
  try {
    return await host.load(tenantId, pin);
  } catch (err) {
    // A database that is down is worth a retry; a version that fails verification is not.
    if (err instanceof PluginLoadError) throw unavailable(err.message);
    throw err;
  }
}

/** One plugin step: the runPlugin activity, and each member of runPluginChain. */
export function createRunPlugin(
  host: PluginHost | undefined,
  logger: EngineLogger,
  limits: ActivityLimits,
  secrets?: SecretFields,
) {
  return async function runPlugin(input: PluginActivityInput): Promise<PluginActivityResult> {
    assertProfileAllows(input.profile, 'plugin');
    if (host === undefined) throw unavailable('this worker was started without the plugin sandbox');
    const ctx = Context.current();
    const attempt = ctx.info.attempt;
    const plugin = await loadPlugin(host, input.tenantId, input.plugin);
    const problems = plugin.checkInput(input.input);
    if (problems.length > 0) {
      throw ApplicationFailure.create({
        type: ACTIVITY_ERROR_TYPES.invalidRequest,
        message: `plugin input does not match ${plugin.pin.id}@${plugin.pin.version}'s input schema: ${problems.join('; ')}`,
        nonRetryable: true,
      });
    }
    const opened = new OpenedSecrets(secrets, input.sealedFor, input.stepId);
    const config = await opened.config(input.config);
    const job: SandboxJob = {
      tenantId: input.tenantId,
      plugin: {
        id: plugin.pin.id,
        version: plugin.pin.version,
        digest: plugin.pin.digest,
        code: plugin.code,
        ...(plugin.outputSchema ? { outputSchema: plugin.outputSchema } : {}),
      },
      input: input.input,
      config,
      limits: plugin.limits,
      capabilities: {
        allowedHosts: plugin.allowedHosts,
        credentials: bindCredentials(plugin.credentialSlots, input.credentials),
        ...(plugin.fetchesPerMinute === undefined ? {} : { fetchesPerMinute: plugin.fetchesPerMinute }),
      },
      runId: input.runId,
      stepId: input.stepId,
      signal: ctx.cancellationSignal,
      requireOsSandbox: plugin.requireOsSandbox,
    };
    /** `output` is what the step returns (masked): the audited digest is of exactly that. */
    const record = (
      outcome: PluginOutcome,
      result?: SandboxResult,
      usage?: Partial<SandboxUsage>,
      output?: unknown,
    ) =>
      host.record({
        tenantId: input.tenantId,
        runId: input.runId,
        stepId: input.stepId,
        attempt,
        plugin: plugin.pin,
        signingKeyId: plugin.signingKeyId,
        inputDigest: valueDigest(input.input),
        outputDigest: result ? valueDigest(output) : null,
        capabilitiesUsed: result?.capabilitiesUsed ?? [],
        usage: result?.usage ?? usage ?? {},
        outcome,
        unconfined: result?.unconfined ?? false,
      });

    let result: SandboxResult;
    try {
      // Plugin steps are local activities (no heartbeats); a regular activity still heartbeats.
      result = ctx.info.isLocal
        ? await host.execute(job)
        : await withHeartbeat(limits.heartbeatIntervalMs, () => host.execute(job));
    } catch (err) {
      if (!(err instanceof SandboxFailure)) throw err;
      await record(err.kind, undefined, err.usage);
      if (err.kind === 'cancelled') throwIfCancelled();
      for (const line of err.logs)
        logger.info(opened.mask(line.message), { runId: input.runId, stepId: input.stepId, plugin: true });
      throw ApplicationFailure.create({
        type: `${PLUGIN_FAILURE_TYPE_PREFIX}${err.kind}`,
        message: opened.mask(err.message),
        nonRetryable: DETERMINISTIC_FAILURES.has(err.kind),
        details: [{ kind: err.kind, attempt }],
      });
    }
    const output = opened.maskDeep(result.output);
    await record('ok', result, undefined, output);
    for (const line of result.logs) {
      logger[line.level === 'debug' ? 'info' : line.level](opened.mask(line.message), {
        runId: input.runId,
        stepId: input.stepId,
        plugin: `${plugin.pin.id}@${plugin.pin.version}`,
      });
    }
    return { output, attempt };
  };
}

/** What a member's failure would have been as the activity failure of a step run alone. */
function chainFailureOf(err: unknown): PluginChainFailure {
  if (err instanceof ExpressionError) {
    return { type: ACTIVITY_ERROR_TYPES.expressionError, message: err.message };
  }
  if (err instanceof ApplicationFailure) {
    return {
      type: err.type ?? 'Error',
      message: err.message,
      ...(err.details && err.details.length > 0 ? { details: [...err.details] } : {}),
    };
  }
  return { type: 'Error', message: err instanceof Error ? err.message : String(err) };
}

/**
 * A chain's outputs come back as one result, recorded as one history marker: the members that
 * run together stay well under Temporal's 2 MB payload limit, whatever each may output.
 */
export const CHAIN_RESULT_BUDGET_BYTES = 1536 * 1024;
/** Room kept before the activity's deadline when deciding whether one more member fits. */
const CHAIN_DEADLINE_MARGIN_MS = 5_000;

/**
 * Chained plugin steps (see the workflow's plugin-chains.ts), one after the other, each exactly as
 * runPlugin would run it alone: its `with` rendered against the context the chain started with
 * plus the outputs of the members before it, loaded, checked, sandboxed, audited. The first
 * failure ends the chain and is returned, not thrown, so the members that ran keep their results.
 * A member is not started when its largest possible output or its time limit would no longer fit
 * the chain's result or deadline: the chain returns early and the workflow runs the rest next.
 * Only a cancellation (or the worker shutting down) fails the whole activity.
 */
export function createRunPluginChain(
  host: PluginHost | undefined,
  logger: EngineLogger,
  limits: ActivityLimits,
  secrets?: SecretFields,
) {
  const runPluginStep = createRunPlugin(host, logger, limits, secrets);
  return async function runPluginChain(input: PluginChainInput): Promise<PluginChainResult> {
    assertProfileAllows(input.profile, 'plugin');
    if (host === undefined) throw unavailable('this worker was started without the plugin sandbox');
    const activity = Context.current();
    const deadline = Date.now() + activity.info.startToCloseTimeoutMs;
    const steps: PluginChainResult['steps'] = [];
    const context: ExpressionContext = { ...input.context, steps: { ...input.context.steps } };
    let resultBytes = 0;
    for (const [index, member] of input.members.entries()) {
      try {
        throwIfCancelled();
        if (index > 0) {
          const next = (await loadPlugin(host, input.tenantId, member.plugin)).limits;
          const fits =
            resultBytes + next.maxOutputBytes <= CHAIN_RESULT_BUDGET_BYTES &&
            Date.now() + next.timeoutMs + CHAIN_DEADLINE_MARGIN_MS <= deadline;
          if (!fits) break;
        }
        const output = (
          await runPluginStep({
            runId: input.runId,
            tenantId: input.tenantId,
            profile: input.profile,
            stepId: member.stepId,
            plugin: member.plugin,
            input: member.with === undefined ? {} : renderValue(member.with, context),
            config: member.config,
            credentials: member.credentials,
            ...(member.sealedFor === undefined ? {} : { sealedFor: member.sealedFor }),
          })
        ).output;
        steps.push({ stepId: member.stepId, output });
        resultBytes += Buffer.byteLength(JSON.stringify(output ?? null));
        context.steps[member.stepId] = { status: 'succeeded', outputs: stepOutputsOf(output) };
      } catch (err) {
        // Cancelled (or shutting down) while a member ran: the activity's own failure, not the member's.
        if (activity.cancellationSignal.aborted) throwIfCancelled();
        steps.push({ stepId: member.stepId, failure: chainFailureOf(err) });
        break;
      }
    }
    return { steps };
  };
}
