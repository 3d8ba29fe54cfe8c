/**
 * The open registry of step types. Validation, the planner and the JSON Schema read field
 * descriptions from here, so a type registered later (a plugin) is validated with no change
 * to the validator.
 */
import type { SecurityProfile } from './model';

/** Where a step runs: pure in workflow code, as an activity, as a durable timer, or awaiting a signal. */
export type StepExecution = 'workflow' | 'activity' | 'timer' | 'signal';

export type FieldKind = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'any' | 'string-map';

export interface FieldSpec {
  kind: FieldKind;
  required?: boolean;
  /**
   * How strings in the field are read: a bare `expression`, a `template` with `{{ }}` parts
   * (the default for strings), or `plain` text that is never evaluated.
   */
  content?: 'expression' | 'template' | 'plain';
  /** Allowed values (strings). */
  enum?: readonly string[];
  /** Value used when the field is absent (shown in plans). */
  default?: unknown;
  /** Extra rule; returns a message when the value is invalid. */
  check?: (value: unknown) => string | undefined;
  /**
   * `string-map` only: a value may also be `{ value: "...", secret: true }`, stored encrypted and
   * decrypted only inside the step's activity.
   */
  secretValues?: boolean;
  /** JSON Schema of the field when `kind` alone says too little. */
  schema?: Record<string, unknown>;
  describe?: string;
}

export interface StepTypeDescriptor {
  type: string;
  execution: StepExecution;
  requiredProfile: SecurityProfile;
  fields: Record<string, FieldSpec>;
  describe: string;
}

/** Fields every step has; a step type cannot redefine them. */
export const BASE_STEP_FIELDS = [
  'id',
  'type',
  'name',
  'depends_on',
  'when',
  'timeout',
  'retry',
  'continue_on_error',
] as const;

const TYPE_NAME = /^[a-z][a-z0-9_.-]*$/;
const FIELD_NAME = /^[a-z][a-z0-9_]*$/;
const registry = new Map<string, StepTypeDescriptor>();

/** Registers a step type. Registering the same descriptor again is a no-op; a different one is an error. */
export function registerStepType(d: StepTypeDescriptor): void {
  const existing = registry.get(d.type);
  if (existing === d) return;
  if (existing) throw new Error(`step type '${d.type}' is already registered`);
  if (!TYPE_NAME.test(d.type)) throw new Error(`step type name '${d.type}' must match ${TYPE_NAME}`);
  const badField = Object.keys(d.fields).find((f) => !FIELD_NAME.test(f));
  if (badField) throw new Error(`step type '${d.type}': field name '${badField}' must match ${FIELD_NAME}`);
  const clash = Object.keys(d.fields).find((f) => (BASE_STEP_FIELDS as readonly string[]).includes(f));
  if (clash) throw new Error(`step type '${d.type}' cannot redefine the common field '${clash}'`);
  registry.set(d.type, d);
}

export function getStepType(type: string): StepTypeDescriptor | undefined {
  return registry.get(type);
}

/** Every registered type, built-ins first, in registration order. */
export function stepTypes(): StepTypeDescriptor[] {
  return [...registry.values()];
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `<plugin id>@<semver range>`; the range itself is checked when the definition is saved. */
export const PLUGIN_REF = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+@[0-9A-Za-z^~<>=.*|\- ]{1,64}$/;

/** A tenant credential's name, as the vault API accepts it (e.g. `slack-bot-token`). */
export const CREDENTIAL_NAME = /^[a-z][a-z0-9._-]{0,63}$/;

const SCALAR_SCHEMA = { type: ['string', 'number', 'boolean'] };
/** `{ value, secret: true }` in a string map (see FieldSpec.secretValues). */
const SECRET_ENTRY_SCHEMA = {
  type: 'object',
  required: ['value', 'secret'],
  additionalProperties: false,
  properties: { value: SCALAR_SCHEMA, secret: { type: 'boolean' } },
  description: 'Stored encrypted; only the step that uses it sees the value.',
};
const SECRET_MAP_VALUES = { anyOf: [SCALAR_SCHEMA, SECRET_ENTRY_SCHEMA] };

const isStatus = (v: unknown): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599;
const statusSchema = { type: 'integer', minimum: 100, maximum: 599 };

export const BUILTIN_STEP_TYPES: readonly StepTypeDescriptor[] = [
  {
    type: 'shell',
    execution: 'activity',
    requiredProfile: 'elevated',
    describe: 'Runs a command as an argv list (no shell), or a bash script with `shell: bash`.',
    fields: {
      command: {
        kind: 'string',
        required: true,
        content: 'template',
        describe: 'Command line, split into argv before templates are filled.',
      },
      shell: {
        kind: 'string',
        enum: ['bash'],
        content: 'plain',
        describe: 'Run `command` with `bash -c`; pass values through `env`.',
      },
      env: {
        kind: 'string-map',
        content: 'template',
        secretValues: true,
        describe: 'Environment variables for the process; `{ value, secret: true }` stores one encrypted.',
        check: (v) => {
          const bad = Object.keys(v ?? {}).find((k) => !ENV_NAME.test(k));
          return bad === undefined ? undefined : `'${bad}' is not a valid environment variable name`;
        },
        schema: {
          type: 'object',
          propertyNames: { pattern: ENV_NAME.source },
          additionalProperties: SECRET_MAP_VALUES,
        },
      },
      working_dir: { kind: 'string', content: 'template', describe: 'Directory to run in.' },
    },
  },
  {
    type: 'http',
    execution: 'activity',
    requiredProfile: 'standard',
    describe:
      'Sends an HTTP request; a JSON response body is parsed. An Idempotency-Key header is derived from the run and step ids.',
    fields: {
      method: { kind: 'string', enum: HTTP_METHODS, default: 'GET', content: 'plain' },
      url: {
        kind: 'string',
        required: true,
        content: 'template',
        check: (v) =>
          typeof v === 'string' && !v.trimStart().startsWith('{{') && !/^https?:\/\/[^\s/]/i.test(v)
            ? 'url must start with http:// or https://'
            : undefined,
      },
      headers: {
        kind: 'string-map',
        content: 'template',
        secretValues: true,
        describe: 'Request headers; `{ value, secret: true }` stores one encrypted.',
        schema: { type: 'object', additionalProperties: SECRET_MAP_VALUES },
      },
      body: {
        kind: 'any',
        content: 'template',
        describe: 'Request body; objects and lists are sent as JSON.',
      },
      expected_status: {
        kind: 'any',
        describe: 'Accepted status code(s); default any 2xx.',
        check: (v) =>
          isStatus(v) || (Array.isArray(v) && v.length > 0 && v.every(isStatus))
            ? undefined
            : 'expected_status must be a status code (100-599) or a non-empty list of them',
        schema: { oneOf: [statusSchema, { type: 'array', minItems: 1, items: statusSchema }] },
      },
      credential: {
        kind: 'string',
        content: 'plain',
        describe:
          'Name of a tenant credential (bearer, basic, api-key or oauth2-client); the request authenticates with it.',
        check: (v) =>
          typeof v === 'string' && CREDENTIAL_NAME.test(v)
            ? undefined
            : 'credential must be the name of a tenant credential: a lowercase letter, then up to 63 of a-z, 0-9, ., _ and -',
        schema: { type: 'string', pattern: CREDENTIAL_NAME.source },
      },
    },
  },
  {
    type: 'transform',
    execution: 'workflow',
    requiredProfile: 'restricted',
    describe: 'Builds a value from templates; it becomes the step outputs.',
    fields: { output: { kind: 'any', required: true, content: 'template' } },
  },
  {
    type: 'assert',
    execution: 'workflow',
    requiredProfile: 'restricted',
    describe: 'Fails the step with `message` when `condition` is falsy.',
    fields: {
      condition: {
        kind: 'string',
        required: true,
        content: 'expression',
        describe: 'Expression, without {{ }}.',
      },
      message: { kind: 'string', content: 'template' },
    },
  },
  {
    type: 'delay',
    execution: 'timer',
    requiredProfile: 'restricted',
    describe: 'Waits on a durable timer.',
    fields: {
      duration: {
        kind: 'number',
        required: true,
        describe: 'Seconds.',
        check: (v) => (typeof v === 'number' && v > 0 ? undefined : 'duration must be greater than 0'),
        schema: { type: 'number', exclusiveMinimum: 0 },
      },
    },
  },
  {
    type: 'approval',
    execution: 'signal',
    requiredProfile: 'restricted',
    describe: 'Waits for an approve or reject decision; `timeout` bounds the wait.',
    fields: {
      message: { kind: 'string', content: 'template' },
      approvers: {
        kind: 'array',
        content: 'plain',
        describe: 'Identities allowed to decide; absent or empty means anyone the API allows.',
        check: (v) =>
          Array.isArray(v) && v.every((a) => typeof a === 'string' && a !== '')
            ? undefined
            : 'approvers must be a list of non-empty strings',
        schema: { type: 'array', items: { type: 'string', minLength: 1 } },
      },
    },
  },
  {
    type: 'log',
    execution: 'workflow',
    requiredProfile: 'restricted',
    describe: 'Writes a message to the run log.',
    fields: {
      message: { kind: 'string', required: true, content: 'template' },
      level: { kind: 'string', enum: ['debug', 'info', 'warn', 'error'], default: 'info', content: 'plain' },
    },
  },
  {
    type: 'plugin',
    execution: 'activity',
    requiredProfile: 'standard',
    describe:
      'Runs a registered plugin in the sandbox. The version range is resolved and pinned when the definition is saved.',
    fields: {
      plugin: {
        kind: 'string',
        required: true,
        content: 'plain',
        describe: 'Plugin id and semver range, e.g. `acme.slack-notify@^1.2`.',
        check: (v) =>
          typeof v === 'string' && PLUGIN_REF.test(v)
            ? undefined
            : 'plugin must be `<id>@<version range>`, e.g. acme.slack-notify@^1.2',
        schema: { type: 'string', pattern: PLUGIN_REF.source },
      },
      with: {
        kind: 'any',
        content: 'template',
        describe: 'Input handed to the plugin, checked against its input schema.',
      },
      config: {
        kind: 'object',
        content: 'plain',
        describe:
          'Plugin configuration, checked against its config schema; properties the schema marks `writeOnly` are stored encrypted.',
      },
      credentials: {
        kind: 'string-map',
        content: 'plain',
        describe: 'Credential slot of the plugin -> name of a tenant credential.',
      },
    },
  },
  {
    type: 'noop',
    execution: 'workflow',
    requiredProfile: 'restricted',
    describe: 'Does nothing; useful to join branches.',
    fields: {},
  },
];

BUILTIN_STEP_TYPES.forEach(registerStepType);
