import type { SchemaObject } from '@nestjs/swagger';
import { BUILT_IN_ROLE_KEYS } from '@warden/authz';
import { SECURITY_PROFILES, type SecurityProfile } from '@warden/definition';
import { TENANT_SLUG_PATTERN } from '@warden/engine';
import {
  TENANT_ISOLATIONS,
  type TenantEntity,
  type TenantIsolation,
  type TenantQuotas,
} from '@warden/persistence';
import { timestampSchema, uuidSchema } from '../http/common.schemas';
import { requestSchema } from '../http/schema-validation';

export interface TenantView {
  id: string;
  slug: string;
  name: string;
  isolation: TenantIsolation;
  /** The Temporal namespace its runs use: 'warden-<slug>' when dedicated. */
  namespace: string;
  maxProfile: SecurityProfile;
  region: string;
  quotas: TenantQuotas;
  mfaRequiredRoles: string[];
  createdAt: string;
  updatedAt: string;
}

export interface TenantCreated extends TenantView {
  /** The first Owner, when the request named one. */
  owner: { id: string; email: string } | null;
}

export interface NewOwner {
  email: string;
  password: string;
  displayName: string;
}

export interface CreateTenantBody {
  slug: string;
  name: string;
  isolation: TenantIsolation;
  maxProfile?: SecurityProfile;
  region?: string;
  quotas?: TenantQuotas;
  mfaRequiredRoles?: string[];
  owner?: NewOwner;
}

export interface UpdateTenantBody {
  name?: string;
  maxProfile?: SecurityProfile;
  quotas?: Partial<TenantQuotas>;
  mfaRequiredRoles?: string[];
}

export function toTenantView(tenant: TenantEntity): TenantView {
  return {
    id: tenant.id,
    slug: tenant.slug,
    name: tenant.name,
    isolation: tenant.isolation,
    namespace: tenant.namespace,
    maxProfile: tenant.maxProfile,
    region: tenant.region,
    quotas: tenant.quotas,
    mfaRequiredRoles: tenant.mfaRequiredRoles,
    createdAt: tenant.createdAt.toISOString(),
    updatedAt: tenant.updatedAt.toISOString(),
  };
}

const quotaField: SchemaObject = { type: 'integer', minimum: 1, maximum: 1_000_000 };
const quotaProperties: Record<keyof TenantQuotas, SchemaObject> = {
  concurrentRuns: quotaField,
  runsPerMinute: quotaField,
  apiRequestsPerMinute: quotaField,
};
const nameSchema: SchemaObject = { type: 'string', minLength: 1, maxLength: 200 };
const profileSchema: SchemaObject = { type: 'string', enum: [...SECURITY_PROFILES] };
/** Role keys: built-in or (on update) the tenant's custom roles; checked against the tenant. */
const roleKeysSchema: SchemaObject = {
  type: 'array',
  maxItems: 50,
  uniqueItems: true,
  items: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' },
};

export const createTenantBody = requestSchema<CreateTenantBody>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['slug', 'name', 'isolation'],
    properties: {
      // A DNS label: it becomes part of a Temporal namespace and task queue names.
      slug: { type: 'string', pattern: TENANT_SLUG_PATTERN.source },
      name: nameSchema,
      isolation: { type: 'string', enum: [...TENANT_ISOLATIONS] },
      maxProfile: profileSchema,
      region: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' },
      quotas: {
        type: 'object',
        additionalProperties: false,
        required: Object.keys(quotaProperties),
        properties: quotaProperties,
      },
      mfaRequiredRoles: { ...roleKeysSchema, items: { type: 'string', enum: [...BUILT_IN_ROLE_KEYS] } },
      owner: {
        type: 'object',
        additionalProperties: false,
        required: ['email', 'password', 'displayName'],
        properties: {
          email: { type: 'string', minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' },
          password: { type: 'string', minLength: 1, maxLength: 1024, writeOnly: true },
          displayName: nameSchema,
        },
      },
    },
  },
  'tenant',
);

export const updateTenantBody = requestSchema<UpdateTenantBody>(
  {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      name: nameSchema,
      maxProfile: profileSchema,
      quotas: { type: 'object', additionalProperties: false, minProperties: 1, properties: quotaProperties },
      mfaRequiredRoles: roleKeysSchema,
    },
  },
  'tenant update',
);

// ---- OpenAPI descriptions ----

const viewProperties: Record<keyof TenantView, SchemaObject> = {
  id: uuidSchema,
  slug: { type: 'string' },
  name: { type: 'string' },
  isolation: { type: 'string', enum: [...TENANT_ISOLATIONS] },
  namespace: { type: 'string', description: "'default' when pooled, 'warden-<slug>' when dedicated" },
  maxProfile: profileSchema,
  region: { type: 'string' },
  quotas: { type: 'object', required: Object.keys(quotaProperties), properties: quotaProperties },
  mfaRequiredRoles: { type: 'array', items: { type: 'string' } },
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
};

export const tenantViewSchema: SchemaObject = {
  type: 'object',
  required: Object.keys(viewProperties),
  properties: viewProperties,
};

export const tenantCreatedSchema: SchemaObject = {
  type: 'object',
  required: [...Object.keys(viewProperties), 'owner'],
  properties: {
    ...viewProperties,
    owner: {
      type: 'object',
      nullable: true,
      required: ['id', 'email'],
      properties: { id: uuidSchema, email: { type: 'string' } },
    },
  },
};

export const tenantListSchema: SchemaObject = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: tenantViewSchema } },
};
