import type { SchemaObject } from '@nestjs/swagger';
import { CASL_SUBJECTS, PERMISSIONS, type CaslSubject, type PermissionName } from '@warden/authz';
import { GRANT_PRINCIPAL_TYPES, type GrantEntity, type GrantPrincipalType } from '@warden/persistence';
import { timestampSchema, uuidSchema } from '../http/common.schemas';
import { requestSchema } from '../http/schema-validation';

export interface GrantView {
  id: string;
  principalType: GrantPrincipalType;
  principalId: string;
  permission: string;
  resourceType: string;
  resourceId: string;
  /** The user who granted it; null when the platform did. */
  grantedBy: string | null;
  createdAt: string;
}

export interface CreateGrantBody {
  principalType: GrantPrincipalType;
  principalId: string;
  permission: PermissionName;
  resourceType: CaslSubject;
  resourceId: string;
}

export interface GrantListQuery {
  principalId?: string;
  resourceId?: string;
}

export function toGrantView(grant: GrantEntity): GrantView {
  return {
    id: grant.id,
    principalType: grant.principalType,
    principalId: grant.principalId,
    permission: grant.permission,
    resourceType: grant.resourceType,
    resourceId: grant.resourceId,
    grantedBy: grant.grantedBy,
    createdAt: grant.createdAt.toISOString(),
  };
}

/** The validator has no `format` support (strict Ajv without ajv-formats): ids are checked by pattern. */
const uuidString: SchemaObject = {
  type: 'string',
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
};

export const createGrantBody = requestSchema<CreateGrantBody>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['principalType', 'principalId', 'permission', 'resourceType', 'resourceId'],
    properties: {
      principalType: { type: 'string', enum: [...GRANT_PRINCIPAL_TYPES] },
      principalId: uuidString,
      permission: { type: 'string', enum: [...PERMISSIONS] },
      resourceType: {
        type: 'string',
        enum: [...CASL_SUBJECTS],
        description: "the permission's subject, e.g. Workflow",
      },
      resourceId: uuidString,
    },
  },
  'grant',
);

export const grantListQuery = requestSchema<GrantListQuery>(
  {
    type: 'object',
    additionalProperties: false,
    properties: {
      principalId: uuidString,
      resourceId: uuidString,
    },
  },
  'query',
);

// ---- OpenAPI descriptions ----

const viewProperties: Record<keyof GrantView, SchemaObject> = {
  id: uuidSchema,
  principalType: { type: 'string', enum: [...GRANT_PRINCIPAL_TYPES] },
  principalId: uuidSchema,
  permission: { type: 'string', enum: [...PERMISSIONS] },
  resourceType: { type: 'string', enum: [...CASL_SUBJECTS] },
  resourceId: uuidSchema,
  grantedBy: { ...uuidSchema, nullable: true },
  createdAt: timestampSchema,
};

export const grantViewSchema: SchemaObject = {
  type: 'object',
  required: Object.keys(viewProperties),
  properties: viewProperties,
};

export const grantListSchema: SchemaObject = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: grantViewSchema } },
};
