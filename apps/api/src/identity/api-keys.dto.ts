import type { SchemaObject } from '@nestjs/swagger';
import { PERMISSIONS, type PermissionName } from '@warden/authz';
import type { ApiKeyEntity } from '@warden/persistence';
import { timestampSchema, uuidSchema } from '../http/common.schemas';
import { requestSchema } from '../http/schema-validation';
import { knownPermissions } from './caller-authority';

/** A rotation's overlap: long enough to redeploy clients, short enough that a leak ends soon. */
export const MAX_GRACE_SECONDS = 7 * 24 * 3600;

export interface CreateApiKeyBody {
  name: string;
  permissions: PermissionName[];
  expiresAt?: string;
}

export const createApiKeyBody = requestSchema<CreateApiKeyBody>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'permissions'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 100 },
      permissions: {
        type: 'array',
        minItems: 1,
        maxItems: PERMISSIONS.length,
        uniqueItems: true,
        items: { type: 'string', enum: [...PERMISSIONS] },
        description: 'the most this key may do; it never exceeds what its owner holds',
      },
      expiresAt: {
        type: 'string',
        minLength: 1,
        maxLength: 40,
        description: 'ISO 8601 date-time in the future',
      },
    },
  },
  'request body',
);

export interface RotateApiKeyBody {
  graceSeconds?: number;
}

export const rotateApiKeyBody = requestSchema<RotateApiKeyBody>(
  {
    type: 'object',
    additionalProperties: false,
    properties: {
      graceSeconds: {
        type: 'integer',
        minimum: 0,
        maximum: MAX_GRACE_SECONDS,
        description: 'how long the previous secret keeps working; default 0 (cut off at once)',
      },
    },
  },
  'request body',
);

/** What lists show: never the secret, never a hash. */
export interface ApiKeySummary {
  id: string;
  name: string;
  /** The secret's first characters, to tell keys apart. */
  prefix: string;
  permissions: PermissionName[];
  ownerUserId: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export interface ApiKeyWithSecret extends ApiKeySummary {
  /** Shown once. */
  secret: string;
}

export interface RotatedApiKey extends ApiKeyWithSecret {
  /** Until when the previous secret still works; null when it stopped at once. */
  previousSecretValidUntil: string | null;
}

export function toApiKeySummary(key: ApiKeyEntity): ApiKeySummary {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    permissions: knownPermissions(key.permissions),
    ownerUserId: key.ownerUserId,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    createdAt: key.createdAt.toISOString(),
  };
}

// ---- OpenAPI descriptions ----

const nullableTimestamp: SchemaObject = { ...timestampSchema, nullable: true };

const summaryProperties: Record<string, SchemaObject> = {
  id: uuidSchema,
  name: { type: 'string' },
  prefix: { type: 'string', description: 'the first characters of the secret' },
  permissions: { type: 'array', items: { type: 'string', enum: [...PERMISSIONS] } },
  ownerUserId: uuidSchema,
  expiresAt: nullableTimestamp,
  revokedAt: nullableTimestamp,
  lastUsedAt: { ...nullableTimestamp, description: 'to the minute' },
  createdAt: timestampSchema,
};

export const apiKeySummarySchema: SchemaObject = {
  type: 'object',
  required: Object.keys(summaryProperties),
  properties: summaryProperties,
};

export const apiKeyListSchema: SchemaObject = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: apiKeySummarySchema } },
};

const secretProperty: SchemaObject = {
  type: 'string',
  description: '`wdn_...`: send as `Authorization: Bearer`; shown once, only its hash is kept',
};

export const apiKeyCreatedSchema: SchemaObject = {
  type: 'object',
  required: [...Object.keys(summaryProperties), 'secret'],
  properties: { ...summaryProperties, secret: secretProperty },
};

export const apiKeyRotatedSchema: SchemaObject = {
  type: 'object',
  required: [...Object.keys(summaryProperties), 'secret', 'previousSecretValidUntil'],
  properties: { ...summaryProperties, secret: secretProperty, previousSecretValidUntil: nullableTimestamp },
};
