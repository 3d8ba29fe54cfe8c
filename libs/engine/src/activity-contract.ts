/**
 * The contract between the interpreter workflow and the step activities: inputs, results and
 * failure types. No Node imports, so workflow code may import it.
 */
import type { ExpressionContext, SealedSecret, SecurityProfile } from '@warden/definition';

export interface EngineLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface ActivityLimits {
  /** Cap per stream (stdout, stderr) of a shell step; beyond it output is dropped and flagged. */
  maxOutputBytes: number;
  /** Cap on an http step's response body. */
  maxHttpResponseBytes: number;
  /** How often a running activity heartbeats (cancellation and failover ride on heartbeats). */
  heartbeatIntervalMs: number;
  /** Parent folder of the per-step working directories. Defaults to os.tmpdir(). */
  workDirRoot?: string;
}

/** An env value or header as an activity receives it: text, or a secret still sealed. */
export type StepString = string | SealedSecret;

/**
 * The definition version a step's secrets were sealed for. Sent only with a step that has
 * sealed values, so a step without any schedules exactly the activity input it always did.
 */
export interface SecretOwner {
  tenantId: string;
  workflowId: string;
  workflowVersion: number;
}

/**
 * Opens the sealed secrets of a definition version, in the activity and in memory only. The
 * worker implements it with FieldCipher over its KeyRing (and tells its log redactor the value).
 */
export interface SecretFields {
  /** `field` is `steps.<stepId>.env.<NAME>`, `steps.<stepId>.headers.<Name>` or `steps.<stepId>.config.<prop>`. */
  open(at: SecretOwner & { field: string }, ciphertext: string): Promise<string>;
  /** Told the strings an opened secret holds (a config value may be an object), to mask in logs. */
  remember?(values: readonly string[]): void;
}

/** A tenant credential an http step names, as the vault holds it (decrypted, in memory only). */
export interface StepCredential {
  type: 'api-key' | 'basic' | 'bearer' | 'oauth2-client' | 'custom';
  data: Record<string, unknown>;
}

/** Which step uses which credential: the vault audits the use (`credential.use`) with it. */
export interface StepCredentialUse {
  tenantId: string;
  runId: string;
  stepId: string;
  name: string;
}

/**
 * Reads and decrypts a tenant's credential by name for one step. The worker implements it over
 * the vault (decrypt, audit, tell its log redactor). Refusals are StepCredentialErrors.
 */
export interface StepCredentials {
  resolve(use: StepCredentialUse): Promise<StepCredential>;
}

/** Why a credential cannot be used: the step fails with `credential_<reason>`. */
export class StepCredentialError extends Error {
  constructor(
    readonly reason: 'not_found' | 'unreadable',
    message: string,
    /** A key provider that did not answer may answer the next attempt. */
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'StepCredentialError';
  }
}

export interface ActivityDeps {
  logger: EngineLogger;
  limits?: Partial<ActivityLimits>;
  /** Without it a step with sealed secrets fails (secret_unreadable). */
  secrets?: SecretFields;
  /** Without it an http step naming a credential fails (credential_unreadable). */
  credentials?: StepCredentials;
  /** The worker's tenant: a step may only use that tenant's credentials. */
  tenantId?: string;
}

interface StepActivityBase {
  runId: string;
  stepId: string;
  /** Checked again inside the activity: defense in depth against a tampered history. */
  profile: SecurityProfile;
  /** Present when the step has sealed secrets. */
  sealedFor?: SecretOwner;
}

/** argv mode: the command was split into words first, then each word rendered; no shell. */
export interface ShellArgvInput extends StepActivityBase {
  mode: 'argv';
  argv: string[];
  env: Record<string, StepString>;
}

/** `shell: bash`: the script is the command as written; values only arrive through env. */
export interface ShellBashInput extends StepActivityBase {
  mode: 'bash';
  script: string;
  env: Record<string, StepString>;
}

export type ShellActivityInput = ShellArgvInput | ShellBashInput;

export interface ShellActivityResult {
  stdout: string;
  stderr: string;
  exit_code: number;
  truncated: boolean;
  /** Which attempt produced this result (1-based), for the run state. */
  attempt: number;
}

export interface HttpActivityInput extends StepActivityBase {
  method: string;
  url: string;
  headers: Record<string, StepString>;
  body?: unknown;
  /** Accepted statuses; empty means any 2xx. */
  expected_status: number[];
  /** Present only when the step names a credential, so other steps schedule the input they always did. */
  credential?: { tenantId: string; name: string };
}

export interface HttpActivityResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  truncated: boolean;
  attempt: number;
}

/** The exact plugin version a step runs, pinned when the definition version was saved. */
export interface PluginPin {
  id: string;
  version: string;
  /** Digest of manifest and source; checked again against the stored bytes at load. */
  digest: string;
}

export interface PluginActivityInput extends StepActivityBase {
  tenantId: string;
  plugin: PluginPin;
  input: unknown;
  /** Top-level properties the plugin's config schema marks `writeOnly` arrive sealed. */
  config: unknown;
  /** Credential slot -> tenant credential name, as the step binds them. */
  credentials: Record<string, string>;
}

export interface PluginActivityResult {
  output: unknown;
  attempt: number;
}

/** One step of a plugin chain: a plugin step whose `with` is rendered by the activity. */
export interface PluginChainMember {
  stepId: string;
  plugin: PluginPin;
  /** The step's `with` as written: templates are filled in when the member's turn comes. */
  with?: unknown;
  config: unknown;
  credentials: Record<string, string>;
  sealedFor?: SecretOwner;
}

/**
 * Chained plugin steps run one after the other in one local activity (see plugin-chains.ts):
 * each member's `with` sees the context the chain started with plus the outputs of the members
 * before it, exactly as it would have had each step run alone.
 */
export interface PluginChainInput {
  runId: string;
  tenantId: string;
  profile: SecurityProfile;
  context: ExpressionContext;
  members: PluginChainMember[];
}

/** A member's failure, as its activity would have raised it (type, message, details). */
export interface PluginChainFailure {
  type: string;
  message: string;
  details?: unknown[];
}

/**
 * What ran, in order. The chain stops at the first failure (the last entry); members after it
 * did not run and are scheduled by the workflow as usual.
 */
export interface PluginChainResult {
  steps: Array<{ stepId: string; output: unknown } | { stepId: string; failure: PluginChainFailure }>;
}

export interface WardenActivities {
  runShell(input: ShellActivityInput): Promise<ShellActivityResult>;
  runHttp(input: HttpActivityInput): Promise<HttpActivityResult>;
  runPlugin(input: PluginActivityInput): Promise<PluginActivityResult>;
  runPluginChain(input: PluginChainInput): Promise<PluginChainResult>;
}

/** Failure types activities raise; the workflow maps them to step error codes. */
export const ACTIVITY_ERROR_TYPES = {
  shellExitNonZero: 'ShellExitNonZero',
  stepTimeout: 'StepTimeout',
  httpStatus: 'HttpStatus',
  profileViolation: 'ProfileViolation',
  invalidRequest: 'InvalidRequest',
  spawnFailed: 'ShellSpawnFailed',
  httpRequestFailed: 'HttpRequestFailed',
  workerShutdown: 'WorkerShutdown',
  pluginUnavailable: 'PluginUnavailable',
  secretUnreadable: 'SecretUnreadable',
  credentialNotFound: 'CredentialNotFound',
  credentialUnreadable: 'CredentialUnreadable',
  credentialUnsupported: 'CredentialUnsupported',
  credentialHeaderConflict: 'CredentialHeaderConflict',
  credentialTokenFailed: 'CredentialTokenFailed',
  /** A template of a chained plugin step failed when the activity rendered it. */
  expressionError: 'ExpressionError',
} as const;

/**
 * A sandbox failure of kind K reaches the workflow as type `Plugin:K` (`Plugin:timeout`), and the
 * step fails with code `plugin_K` (`plugin_timeout`, `plugin_output_too_large`).
 */
export const PLUGIN_FAILURE_TYPE_PREFIX = 'Plugin:';
