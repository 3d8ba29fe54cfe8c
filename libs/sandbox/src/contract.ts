/**
 * What the sandbox is asked to run and what it answers. The worker's plugin activity and the
 * API's test endpoint build a SandboxJob; the host broker serves the capabilities a job grants.
 */

/** Limits of one invocation. Every field has a platform default and a platform cap. */
export interface SandboxLimits {
  /** Isolate heap limit in MB (default 128). */
  memoryMb: number;
  /** Wall-clock deadline of one invocation in ms, capability calls included (default 5000). */
  timeoutMs: number;
  /** CPU time the plugin's code may use across the whole invocation in ms (default 2000). */
  cpuBudgetMs: number;
  /** Largest serialized output in bytes (default 1 MiB). */
  maxOutputBytes: number;
  /** Largest total of log text in bytes (default 64 KiB) and most log lines (default 1000). */
  maxLogBytes: number;
  maxLogLines: number;
  /** Most ctx.fetch calls per invocation (default 20). */
  maxFetches: number;
}

/** A credential slot of the manifest, bound by the step to a credential name of the tenant. */
export interface CredentialBinding {
  /** Slot name as the manifest declares it. */
  slot: string;
  /** Name of the tenant's credential the step binds to this slot. */
  credential: string;
  /** Hosts the credential may be sent to (subset of the plugin's allowed hosts). */
  hosts: string[];
  /** How it is injected: an Authorization bearer header, basic auth, or a named header. */
  inject: { kind: 'bearer' } | { kind: 'basic' } | { kind: 'header'; name: string };
}

export interface SandboxCapabilities {
  /** Exact host names ctx.fetch may reach: the manifest's hosts intersected with tenant policy. */
  allowedHosts: string[];
  credentials: CredentialBinding[];
  /** The tenant's quota of plugin fetches per minute (all its plugins on this worker); absent = none. */
  fetchesPerMinute?: number;
}

/** The plugin code to run, exactly as stored and verified (content-addressed by digest). */
export interface SandboxPlugin {
  id: string;
  version: string;
  /** sha256 hex of the signed digest; the isolate caches compiled code by it. */
  digest: string;
  /** The compiled CommonJS module text (`module.exports.default.run` or `module.exports.run`). */
  code: string;
  /** JSON Schema the output must satisfy (validated on the host after the safe parse). */
  outputSchema?: Record<string, unknown>;
}

export interface SandboxJob {
  tenantId: string;
  plugin: SandboxPlugin;
  input: unknown;
  config: unknown;
  limits: SandboxLimits;
  capabilities: SandboxCapabilities;
  /** Run and step, for audit and logs; absent for the registry's test endpoint. */
  runId?: string;
  stepId?: string;
  /** Aborts the invocation (Temporal cancellation): the sandbox process is killed. */
  signal?: AbortSignal;
  /** Tenant policy: refuse ('sandbox-unavailable') rather than run without bubblewrap. */
  requireOsSandbox?: boolean;
}

export interface SandboxUsage {
  cpuMs: number;
  wallMs: number;
  /** Isolate heap in use after the call, bytes. */
  heapBytes: number;
}

export interface SandboxLogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export interface SandboxResult {
  output: unknown;
  logs: SandboxLogLine[];
  logsTruncated: boolean;
  usage: SandboxUsage;
  /** Capabilities the invocation used, e.g. `fetch:api.example.com`, `credential:github`. */
  capabilitiesUsed: string[];
  /** True when the sandbox ran without bubblewrap (plain child process fallback). */
  unconfined: boolean;
}

export const SANDBOX_FAILURE_KINDS = [
  'timeout',
  'memory',
  'cpu',
  'output-too-large',
  'invalid-output',
  'plugin-error',
  /** The capability broker refused a request (host not allowed, private address, caps). */
  'capability-denied',
  /** The sandbox could not be started or died for a reason that is not the plugin's. */
  'sandbox-unavailable',
  'cancelled',
] as const;
export type SandboxFailureKind = (typeof SANDBOX_FAILURE_KINDS)[number];

/** Kinds that fail the same way on retry: the activity marks them non-retryable. */
export const DETERMINISTIC_FAILURES: ReadonlySet<SandboxFailureKind> = new Set([
  'timeout',
  'memory',
  'cpu',
  'output-too-large',
  'invalid-output',
  'plugin-error',
  'capability-denied',
]);

export class SandboxFailure extends Error {
  constructor(
    readonly kind: SandboxFailureKind,
    message: string,
    /** Usage up to the failure, where known. */
    readonly usage?: Partial<SandboxUsage>,
    readonly logs: SandboxLogLine[] = [],
  ) {
    super(message);
    this.name = 'SandboxFailure';
  }
}

/** A fetch the plugin asks for: plain data copied out of the isolate. */
export interface SandboxFetchRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Slot whose credential the host injects (the plugin never sees the value). */
  credential?: string;
}

export interface SandboxFetchResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  truncated: boolean;
}

/** Values of a tenant's credential, resolved on the host only. */
export interface CredentialValue {
  /** For bearer and header injection. */
  token?: string;
  username?: string;
  password?: string;
}

/** Who a credential is resolved for: the vault audits each use with it. */
export interface CredentialUse {
  pluginId: string;
  /** Absent for the registry's test endpoint. */
  runId?: string;
  stepId?: string;
}

/**
 * Reads a tenant's credential by name. The vault (issue 5) implements it; tests use a map. A
 * SandboxFailure('capability-denied') it throws reaches the step with its message; any other
 * error becomes a generic refusal (its message may name vault internals).
 */
export interface CredentialResolver {
  resolve(tenantId: string, credentialName: string, use?: CredentialUse): Promise<CredentialValue>;
}

export interface BrokerContext {
  tenantId: string;
  pluginId: string;
  /** The job's run and step, for the credential-use audit (absent for test runs). */
  runId?: string;
  stepId?: string;
  capabilities: SandboxCapabilities;
  signal: AbortSignal;
  /** Records capability use (for the audit record and quota counting). */
  recordUse(capability: string): void;
  /** Secret values handed out in this invocation, so logs and outputs can be masked. */
  rememberSecret(value: string): void;
}

/** Serves the capabilities a job grants. Throws SandboxFailure('capability-denied') to refuse. */
export interface CapabilityBroker {
  fetch(request: SandboxFetchRequest, context: BrokerContext): Promise<SandboxFetchResponse>;
}
