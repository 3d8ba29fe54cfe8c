/**
 * JSON Schema (draft 2020-12) of the workflow language, for editors (YAML language servers
 * complete and check files with it). Generated from the model's rules and the step-type
 * registry, so a new step type appears here without editing this file.
 */
import { SECURITY_PROFILES } from './model';
import { BASE_STEP_FIELDS, type FieldSpec, type StepTypeDescriptor, stepTypes } from './step-types';
import { INPUT_NAME, RESERVED_NAMES, STEP_ID, WORKFLOW_NAME } from './validate/rules';

export const WORKFLOW_SCHEMA_ID = 'https://warden.dev/schema/workflow.schema.json';

type Schema = Record<string, unknown>;

const BASE_STEP_PROPERTIES: Record<(typeof BASE_STEP_FIELDS)[number], Schema> = {
  id: {
    type: 'string',
    pattern: STEP_ID.source,
    not: { enum: [...RESERVED_NAMES] },
    description: 'Unique within the workflow.',
  },
  type: { type: 'string' },
  name: { type: 'string' },
  depends_on: { type: 'array', items: { type: 'string', pattern: STEP_ID.source }, uniqueItems: true },
  when: { type: 'string', description: 'Expression (without {{ }}); the step is skipped when it is falsy.' },
  timeout: { type: 'number', exclusiveMinimum: 0, description: 'Seconds.' },
  retry: { $ref: '#/$defs/retry' },
  continue_on_error: { type: 'boolean' },
};

/** Builds the schema from the step types registered now (plugins included). */
export function buildWorkflowJsonSchema(types: readonly StepTypeDescriptor[] = stepTypes()): Schema {
  const typedSteps = Object.fromEntries(types.map((t) => [stepDefName(t.type), stepSchema(t)]));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: WORKFLOW_SCHEMA_ID,
    title: 'Warden workflow',
    type: 'object',
    required: ['name', 'version', 'steps'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', pattern: WORKFLOW_NAME.source },
      version: { type: ['string', 'number'], description: 'Kept as written: 1.0 stays "1.0".' },
      description: { type: 'string' },
      security_profile: { enum: [...SECURITY_PROFILES] },
      inputs: {
        type: 'object',
        propertyNames: { pattern: INPUT_NAME.source, not: { enum: [...RESERVED_NAMES] } },
        additionalProperties: { $ref: '#/$defs/input' },
      },
      steps: { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' } },
    },
    $defs: {
      input: INPUT_SCHEMA,
      retry: RETRY_SCHEMA,
      step: {
        type: 'object',
        required: ['id', 'type'],
        properties: { id: BASE_STEP_PROPERTIES.id, type: { enum: types.map((t) => t.type) } },
        allOf: types.map((t) => ({
          if: { properties: { type: { const: t.type } }, required: ['type'] },
          then: { $ref: `#/$defs/${stepDefName(t.type)}` },
        })),
      },
      ...typedSteps,
    },
  };
}

function stepDefName(type: string): string {
  return `step_${type}`;
}

function stepSchema(t: StepTypeDescriptor): Schema {
  const fields = Object.entries(t.fields);
  return {
    description: t.describe,
    type: 'object',
    required: ['id', 'type', ...fields.filter(([, f]) => f.required).map(([name]) => name)],
    additionalProperties: false,
    properties: {
      ...BASE_STEP_PROPERTIES,
      type: { const: t.type },
      ...Object.fromEntries(fields.map(([name, f]) => [name, fieldSchema(f)])),
    },
  };
}

function fieldSchema(f: FieldSpec): Schema {
  const base: Schema = f.schema ?? (f.enum ? { enum: [...f.enum] } : KIND_SCHEMAS[f.kind]);
  return {
    ...base,
    ...(f.describe ? { description: f.describe } : {}),
    ...(f.default !== undefined ? { default: f.default } : {}),
  };
}

const KIND_SCHEMAS: Record<FieldSpec['kind'], Schema> = {
  string: { type: 'string' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  object: { type: 'object' },
  array: { type: 'array' },
  any: {},
  'string-map': { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
};

const INPUT_SCHEMA: Schema = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { enum: ['string', 'number', 'integer', 'boolean', 'object', 'array'] },
    description: { type: 'string' },
    required: { type: 'boolean' },
    default: {},
    validation: {
      type: 'object',
      additionalProperties: false,
      properties: {
        pattern: { type: 'string', format: 'regex' },
        enum: { type: 'array', minItems: 1 },
        minimum: { type: 'number' },
        maximum: { type: 'number' },
        minLength: { type: 'integer', minimum: 0 },
        maxLength: { type: 'integer', minimum: 0 },
      },
    },
  },
};

const RETRY_SCHEMA: Schema = {
  type: 'object',
  required: ['attempts'],
  additionalProperties: false,
  properties: {
    attempts: { type: 'integer', minimum: 1, description: 'Total attempts, the first included.' },
    delay: { type: 'number', minimum: 0, description: 'Seconds before the first retry.' },
    backoff: { type: 'number', minimum: 1, description: 'Multiplier applied to the delay after each retry.' },
    max_delay: { type: 'number', exclusiveMinimum: 0, description: 'Upper bound on the delay, in seconds.' },
  },
};

/** The schema of the built-in language, as published in docs/schema/workflow.schema.json. */
export const workflowJsonSchema: Schema = buildWorkflowJsonSchema();
