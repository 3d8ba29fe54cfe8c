import type { SchemaObject } from '@nestjs/swagger';
import { CREDENTIAL_NAME } from '@warden/definition';
import { CREDENTIAL_TYPES, type CredentialType, type CredentialWithVersion } from '@warden/persistence';
import { timestampSchema, uuidSchema, pageLimitQuerySchema } from '../http/common.schemas';
import { requestSchema } from '../http/schema-validation';

/** What steps name (`credential:`, `credentials:` maps): the workflow language's own rule. */
export const CREDENTIAL_NAME_SOURCE = CREDENTIAL_NAME.source;
/** How long a rotated-away value may keep working at most: 7 days. */
export const MAX_GRACE_SECONDS = 7 * 24 * 3600;
export const DEFAULT_GRACE_SECONDS = 3600;

const dataSchema: SchemaObject = {
  description:
    'the secret, write-only; its shape depends on `type` (see docs/credentials.md): ' +
    'api-key {key, header?}, basic {username, password}, bearer {token}, ' +
    'oauth2-client {clientId, clientSecret, tokenUrl, scopes?}, custom {<name>: string}',
};
const descriptionSchema: SchemaObject = { type: 'string', maxLength: 1000, description: "'' clears it" };

export interface CreateCredentialBody {
  name: string;
  type: CredentialType;
  description?: string;
  data: unknown;
}

export interface UpdateCredentialBody {
  description?: string;
  data?: unknown;
}

export interface RotateCredentialBody {
  data: unknown;
  graceSeconds?: number;
}

export interface CredentialListQuery {
  limit?: string;
  cursor?: string;
}

export const createCredentialBody = requestSchema<CreateCredentialBody>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'type', 'data'],
    properties: {
      name: { type: 'string', pattern: CREDENTIAL_NAME_SOURCE, description: 'e.g. slack-bot-token' },
      type: { type: 'string', enum: [...CREDENTIAL_TYPES] },
      description: descriptionSchema,
      data: dataSchema,
    },
  },
  'body',
);

export const updateCredentialBody = requestSchema<UpdateCredentialBody>(
  {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      description: descriptionSchema,
      data: {
        ...dataSchema,
        description: `new value (a new version; older ones stop working at once); ${dataSchema.description ?? ''}`,
      },
    },
  },
  'body',
);

export const rotateCredentialBody = requestSchema<RotateCredentialBody>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['data'],
    properties: {
      data: dataSchema,
      graceSeconds: {
        type: 'integer',
        minimum: 0,
        maximum: MAX_GRACE_SECONDS,
        description: `how long the previous value keeps working; default ${DEFAULT_GRACE_SECONDS}, at most 7 days`,
      },
    },
  },
  'body',
);

export const credentialListQuery = requestSchema<CredentialListQuery>(
  {
    type: 'object',
    additionalProperties: false,
    properties: {
      limit: pageLimitQuerySchema,
      cursor: { type: 'string', pattern: CREDENTIAL_NAME_SOURCE, description: 'nextCursor' },
    },
  },
  'query',
);

// ---- answers: metadata only, never a value or its ciphertext ----

export interface CredentialView {
  id: string;
  name: string;
  type: CredentialType;
  description: string | null;
  version: number;
  /** The names of the value's fields, e.g. ["password", "username"]. */
  fields: string[];
  createdAt: string;
  updatedAt: string;
}

export interface CredentialRotated extends CredentialView {
  previousVersion: { version: number; validUntil: string };
}

export function toCredentialView({ credential, version }: CredentialWithVersion): CredentialView {
  return {
    id: credential.id,
    name: credential.name,
    type: credential.type,
    description: credential.description,
    version: credential.currentVersion,
    fields: version.fieldNames,
    createdAt: credential.createdAt.toISOString(),
    updatedAt: credential.updatedAt.toISOString(),
  };
}

// ---- OpenAPI descriptions ----

const viewProperties: Record<keyof CredentialView, SchemaObject> = {
  id: uuidSchema,
  name: { type: 'string', pattern: CREDENTIAL_NAME_SOURCE },
  type: { type: 'string', enum: [...CREDENTIAL_TYPES] },
  description: { type: 'string', nullable: true },
  version: { type: 'integer', minimum: 1, description: 'the current version' },
  fields: { type: 'array', items: { type: 'string' }, description: 'field names of the value, never values' },
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
};

export const credentialViewSchema: SchemaObject = {
  type: 'object',
  required: Object.keys(viewProperties),
  properties: viewProperties,
};

export const credentialRotatedSchema: SchemaObject = {
  type: 'object',
  required: [...Object.keys(viewProperties), 'previousVersion'],
  properties: {
    ...viewProperties,
    previousVersion: {
      type: 'object',
      required: ['version', 'validUntil'],
      properties: {
        version: { type: 'integer' },
        validUntil: { ...timestampSchema, description: 'the end of its grace period' },
      },
    },
  },
};

export const credentialListSchema: SchemaObject = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: {
    items: { type: 'array', items: credentialViewSchema },
    nextCursor: { type: 'string', nullable: true, description: 'pass as cursor; null on the last page' },
  },
};

export const credentialUsageSchema: SchemaObject = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['workflowId', 'workflowName', 'workflowVersion', 'stepId', 'slot'],
        properties: {
          workflowId: uuidSchema,
          workflowName: { type: 'string' },
          workflowVersion: { type: 'integer', description: "the workflow's current version" },
          stepId: { type: 'string' },
          slot: { type: 'string', description: "the step's credential slot that names it" },
        },
      },
    },
  },
};
