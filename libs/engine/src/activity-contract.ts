/**
 * The contract between the interpreter workflow and the step activities: inputs, results and
 * failure types. No Node imports, so workflow code may import it.
 */
import type { SecurityProfile } from '@warden/definition';

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

export interface ActivityDeps {
  logger: EngineLogger;
  limits?: Partial<ActivityLimits>;
}

interface StepActivityBase {
  runId: string;
  stepId: string;
  /** Checked again inside the activity: defense in depth against a tampered history. */
  profile: SecurityProfile;
}

/** argv mode: the command was split into words first, then each word rendered; no shell. */
export interface ShellArgvInput extends StepActivityBase {
  mode: 'argv';
  argv: string[];
  env: Record<string, string>;
}

/** `shell: bash`: the script is the command as written; values only arrive through env. */
export interface ShellBashInput extends StepActivityBase {
  mode: 'bash';
  script: string;
  env: Record<string, string>;
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
  headers: Record<string, string>;
  body?: unknown;
  /** Accepted statuses; empty means any 2xx. */
  expected_status: number[];
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
  config: unknown;
  /** Credential slot -> tenant credential name, as the step binds them. */
  credentials: Record<string, string>;
}

export interface PluginActivityResult {
  output: unknown;
  attempt: number;
}

export interface WardenActivities {
  runShell(input: ShellActivityInput): Promise<ShellActivityResult>;
  runHttp(input: HttpActivityInput): Promise<HttpActivityResult>;
  runPlugin(input: PluginActivityInput): Promise<PluginActivityResult>;
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
} as const;

/**
 * A sandbox failure of kind K reaches the workflow as type `Plugin:K` (`Plugin:timeout`), and the
 * step fails with code `plugin_K` (`plugin_timeout`, `plugin_output_too_large`).
 */
export const PLUGIN_FAILURE_TYPE_PREFIX = 'Plugin:';
