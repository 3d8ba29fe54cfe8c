import type { SchemaObject } from '@nestjs/swagger';
import type { Problem, WorkflowDefinition } from '@warden/definition';
import type { SourceFormat, WorkflowEntity, WorkflowVersionEntity } from '@warden/persistence';
import { problemSchema, timestampSchema, uuidSchema } from '../http/common.schemas';
import type { PinProblem, PinView } from '../plugins/plugin-pinner';
import { requestSchema } from '../http/schema-validation';
import { hiddenDefinition } from './workflow-secrets';

export interface WorkflowSummary {
  id: string;
  name: string;
  description: string | null;
  currentVersion: number;
  /** sha256 of the current version's source text. */
  checksum: string;
  createdAt: string;
  updatedAt: string;
}

export interface VersionSummary {
  version: number;
  format: SourceFormat;
  checksum: string;
  current: boolean;
  createdAt: string;
}

export interface WorkflowDetail extends WorkflowSummary {
  current: VersionSummary & {
    source: string;
    definition: WorkflowDefinition;
    /** The plugin version each plugin step pinned when this version was saved. */
    plugins: PinView[];
  };
}

/** Answer to POST (201) and PUT (201 new version, 200 unchanged). */
export interface WorkflowWritten {
  id: string;
  name: string;
  version: number;
  checksum: string;
  created: boolean;
  /** The definition's warnings, and plugin steps pinned to a DEPRECATED version. */
  warnings: (Problem | PinProblem)[];
}

export interface ValidationResult {
  valid: boolean;
  /** The definition's own problems, then (when it has no errors) its plugin steps'. */
  problems: Array<Problem | PinProblem>;
}

export interface WorkflowListQuery {
  name?: string;
}

export const workflowListQuery = requestSchema<WorkflowListQuery>(
  {
    type: 'object',
    additionalProperties: false,
    properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
  },
  'query',
);

export function toWorkflowSummary(workflow: WorkflowEntity, current: WorkflowVersionEntity): WorkflowSummary {
  return {
    id: workflow.id,
    name: workflow.name,
    description: workflow.description,
    currentVersion: workflow.currentVersion,
    checksum: current.checksum,
    createdAt: workflow.createdAt.toISOString(),
    updatedAt: workflow.updatedAt.toISOString(),
  };
}

export function toVersionSummary(version: WorkflowVersionEntity, currentVersion: number): VersionSummary {
  return {
    version: version.version,
    format: version.format,
    checksum: version.checksum,
    current: version.version === currentVersion,
    createdAt: version.createdAt.toISOString(),
  };
}

export function toWorkflowDetail(
  workflow: WorkflowEntity,
  current: WorkflowVersionEntity,
  plugins: PinView[],
): WorkflowDetail {
  return {
    ...toWorkflowSummary(workflow, current),
    current: {
      ...toVersionSummary(current, workflow.currentVersion),
      source: current.source,
      definition: hiddenDefinition(current.definition),
      plugins,
    },
  };
}

// ---- OpenAPI descriptions ----

export const workflowBodySchema: SchemaObject = {
  description:
    'The definition as YAML text (Content-Type application/yaml, text/yaml or application/x-yaml), ' +
    'or JSON: the definition object itself (see GET /v1/schema/workflow) or {"source": "<yaml text>"}.',
  oneOf: [
    { type: 'string', description: 'YAML text' },
    {
      type: 'object',
      required: ['source'],
      properties: { source: { type: 'string' } },
      additionalProperties: false,
    },
    { type: 'object', description: 'a workflow definition', additionalProperties: true },
  ],
};

const versionSummaryProperties: Record<string, SchemaObject> = {
  version: { type: 'integer', minimum: 1 },
  format: { type: 'string', enum: ['yaml', 'json'] },
  checksum: { type: 'string', description: 'sha256 of the source text, hex' },
  current: { type: 'boolean' },
  createdAt: timestampSchema,
};

export const versionSummarySchema: SchemaObject = {
  type: 'object',
  required: Object.keys(versionSummaryProperties),
  properties: versionSummaryProperties,
};

const summaryProperties: Record<string, SchemaObject> = {
  id: uuidSchema,
  name: { type: 'string' },
  description: { type: 'string', nullable: true },
  currentVersion: { type: 'integer', minimum: 1 },
  checksum: { type: 'string' },
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
};

export const workflowSummarySchema: SchemaObject = {
  type: 'object',
  required: Object.keys(summaryProperties),
  properties: summaryProperties,
};

export const workflowListSchema: SchemaObject = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: workflowSummarySchema } },
};

export const versionListSchema: SchemaObject = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: versionSummarySchema } },
};

export const workflowDetailSchema: SchemaObject = {
  type: 'object',
  required: [...Object.keys(summaryProperties), 'current'],
  properties: {
    ...summaryProperties,
    current: {
      type: 'object',
      required: [...Object.keys(versionSummaryProperties), 'source', 'definition', 'plugins'],
      properties: {
        ...versionSummaryProperties,
        source: {
          type: 'string',
          description: 'the text as submitted, with each secret value replaced by "<secret>"',
        },
        definition: {
          type: 'object',
          description: 'the normalized definition; each secret shows as {"secret": true}',
        },
        plugins: {
          type: 'array',
          description: 'the plugin version each plugin step pinned when this version was saved',
          items: {
            type: 'object',
            properties: {
              stepId: { type: 'string' },
              plugin: { type: 'string' },
              version: { type: 'string' },
              digest: { type: 'string' },
            },
          },
        },
      },
    },
  },
};

export const workflowWrittenSchema: SchemaObject = {
  type: 'object',
  required: ['id', 'name', 'version', 'checksum', 'created', 'warnings'],
  properties: {
    id: uuidSchema,
    name: { type: 'string' },
    version: { type: 'integer', minimum: 1 },
    checksum: { type: 'string' },
    created: { type: 'boolean', description: 'false when the source equals the current version' },
    warnings: { type: 'array', items: problemSchema },
  },
};

export const validationResultSchema: SchemaObject = {
  type: 'object',
  required: ['valid', 'problems'],
  properties: { valid: { type: 'boolean' }, problems: { type: 'array', items: problemSchema } },
};
