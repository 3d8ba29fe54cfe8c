/**
 * The normalized workflow model every other part of Warden consumes.
 *
 * Field names follow the YAML our users write (snake_case), so a definition read back from the
 * API looks like the file that was posted. Parsing turns the raw document into this model;
 * everything downstream (validator, planner, interpreter) works on it, never on raw YAML.
 */

export type InputType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';

export interface InputValidation {
  pattern?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
}

export interface InputSpec {
  type: InputType;
  description?: string;
  required?: boolean;
  default?: unknown;
  validation?: InputValidation;
}

/** How a failing side-effect step is retried (maps onto a Temporal retry policy). */
export interface RetrySpec {
  /** Total attempts including the first one (>= 1). */
  attempts: number;
  /** Seconds before the first retry. */
  delay?: number;
  /** Multiplier applied to the delay after each retry (>= 1). */
  backoff?: number;
  /** Upper bound on the delay between retries, in seconds. */
  max_delay?: number;
}

/** Least to most privileged. A run's profile never exceeds the tenant's. */
export const SECURITY_PROFILES = ['plan_only', 'restricted', 'standard', 'elevated'] as const;
export type SecurityProfile = (typeof SECURITY_PROFILES)[number];

/**
 * A secret string of a step: a shell `env` value or an http header the author marks
 * `{ value: "...", secret: true }`, or a plugin `config` property its schema marks `writeOnly`.
 * It has three forms. As written and parsed it holds the value; the API stores it encrypted
 * (bound to its tenant, workflow version and field) and hands that form to the step's activity,
 * which alone decrypts it; API responses and plans show that it exists, nothing more.
 */
export interface SecretValue {
  secret: true;
  value: string;
}

export interface SealedSecret {
  secret: true;
  /** FieldCipher text (`wdn1.…`). */
  ciphertext: string;
}

export interface HiddenSecret {
  secret: true;
}

export type Secret = SecretValue | SealedSecret | HiddenSecret;

/** A value of `env` or `headers`: a template string, or a secret. */
export type StringOrSecret = string | Secret;

export interface StepBase {
  id: string;
  type: string;
  name?: string;
  depends_on?: string[];
  /** Expression; the step is skipped when it evaluates falsy. */
  when?: string;
  /** Seconds. For `approval` it is how long to wait for a decision. */
  timeout?: number;
  retry?: RetrySpec;
  continue_on_error?: boolean;
}

export interface ShellStep extends StepBase {
  type: 'shell';
  /** Split into argv before templates are filled; never handed to a shell unless `shell: bash`. */
  command: string;
  /** `bash` runs `command` with `bash -c`; values then come only through `env`. */
  shell?: 'bash';
  env?: Record<string, StringOrSecret>;
  working_dir?: string;
}

export interface HttpStep extends StepBase {
  type: 'http';
  method?: string;
  url: string;
  headers?: Record<string, StringOrSecret>;
  body?: unknown;
  /** Accepted status codes; default any 2xx. */
  expected_status?: number | number[];
  /**
   * Name of a tenant credential (the vault's); the step's activity decrypts it and sets the
   * request's authentication header from it.
   */
  credential?: string;
}

export interface TransformStep extends StepBase {
  type: 'transform';
  /** Any value; strings inside may hold `{{ }}` templates. Becomes the step's outputs. */
  output: unknown;
}

export interface AssertStep extends StepBase {
  type: 'assert';
  condition: string;
  message?: string;
}

export interface DelayStep extends StepBase {
  type: 'delay';
  /** Seconds to sleep on a durable timer. */
  duration: number;
}

export interface ApprovalStep extends StepBase {
  type: 'approval';
  message?: string;
  /** Identities allowed to decide; empty or absent means anyone allowed by the API. */
  approvers?: string[];
}

export interface LogStep extends StepBase {
  type: 'log';
  message: string;
  level?: 'debug' | 'info' | 'warn' | 'error';
}

export interface NoopStep extends StepBase {
  type: 'noop';
}

export interface PluginStep extends StepBase {
  type: 'plugin';
  /** `<id>@<semver range>`, pinned to one version when the definition is saved. */
  plugin: string;
  with?: unknown;
  config?: Record<string, unknown>;
  /** Plugin credential slot -> tenant credential name. */
  credentials?: Record<string, string>;
}

export type BuiltinStep =
  | ShellStep
  | HttpStep
  | TransformStep
  | AssertStep
  | DelayStep
  | ApprovalStep
  | LogStep
  | NoopStep
  | PluginStep;

/** Steps of types registered later (plugins) keep their extra fields here untyped. */
export type Step = BuiltinStep | (StepBase & Record<string, unknown>);

export interface WorkflowDefinition {
  name: string;
  /** Kept as written (`1.0` stays "1.0"). */
  version: string;
  description?: string;
  /** The profile this definition asks for; the run's profile is min(this, tenant's). */
  security_profile?: SecurityProfile;
  inputs: Record<string, InputSpec>;
  steps: Step[];
}

/** Where a problem was found: a path like `steps[2].depends_on[0]` plus its place in the source. */
export interface Problem {
  code: ProblemCode;
  message: string;
  path: string;
  line?: number;
  column?: number;
  severity: 'error' | 'warning';
}

/** Stable machine-readable codes; never rename one, add new ones instead. */
export type ProblemCode =
  | 'syntax_error'
  | 'not_an_object'
  | 'missing_field'
  | 'unknown_field'
  | 'wrong_type'
  | 'invalid_value'
  | 'duplicate_step_id'
  | 'invalid_step_id'
  | 'unknown_dependency'
  | 'dependency_cycle'
  | 'unknown_step_type'
  | 'expression_syntax'
  | 'unknown_input'
  | 'unknown_step_reference'
  | 'step_not_upstream'
  | 'profile_violation'
  | 'shell_operator'
  | 'secret_not_literal'
  | 'credential_header_conflict'
  | 'input_required'
  | 'input_type'
  | 'input_validation'
  | 'unknown_run_input'
  | 'too_many_problems';

// ---- Run-time shapes shared by the planner, the interpreter and the API ----

export type StepStatus = 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
export type RunStatus = 'pending' | 'running' | 'waiting_approval' | 'succeeded' | 'failed' | 'cancelled';

/** What expressions see as `steps.<id>`. */
export interface StepView {
  status: StepStatus;
  outputs: Record<string, unknown>;
  exit_code?: number;
}

/** The evaluation context of every expression and template. */
export interface ExpressionContext {
  inputs: Record<string, unknown>;
  steps: Record<string, StepView>;
  run?: { id: string; workflow: string };
}
