import type { SchemaObject } from '@nestjs/swagger';
import { BUILT_IN_ROLE_KEYS } from '@warden/authz';
import { SECURITY_PROFILES, type SecurityProfile } from '@warden/definition';
import { TENANT_SLUG_PATTERN } from '@warden/engine';
import {
  TENANT_ISOLATIONS,
  type TenantEntity,
  type TenantIsolation,
  type TenantPluginPolicy,
  type TenantQuotas,
} from '@warden/persistence';
import { isPluginHost } from '@warden/plugins';
import { timestampSchema, uuidSchema } from '../http/common.schemas';
import { RequestError } from '../http/request.errors';
import { requestSchema, type RequestSchema } from '../http/schema-validation';

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
  pluginPolicy: TenantPluginPolicy;
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
  pluginPolicy?: Partial<TenantPluginPolicy>;
  owner?: NewOwner;
}

export interface UpdateTenantBody {
  name?: string;
  maxProfile?: SecurityProfile;
  quotas?: Partial<TenantQuotas>;
  mfaRequiredRoles?: string[];
  /** Merged into the current policy, field by field, like quotas. */
  pluginPolicy?: Partial<TenantPluginPolicy>;
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
    pluginPolicy: tenant.pluginPolicy,
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
const pluginPolicyProperties: Record<keyof TenantPluginPolicy, SchemaObject> = {
  requireOsSandbox: {
    type: 'boolean',
    description: 'Refuse to run plugins on a worker where bubblewrap cannot start',
  },
  allowedHosts: {
    type: 'array',
    nullable: true,
    maxItems: 200,
    uniqueItems: true,
    // The exact rule (isPluginHost, the manifest's) is checked after the shape; see withPluginHosts.
    items: { type: 'string', minLength: 1, maxLength: 260 },
    description:
      "Hosts plugins may reach, intersected with each manifest's: null = what the manifest declares, [] = none",
  },
  fetchesPerMinute: {
    type: 'integer',
    minimum: 0,
    maximum: 1_000_000,
    description: "ctx.fetch calls the tenant's plugins may make per minute on each worker (0 = none)",
  },
};
const pluginPolicySchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: pluginPolicyProperties,
};

/** Adds the manifest's host rule to a body schema: lowercase DNS names, optional :port, no IPs. */
function withPluginHosts<T extends { pluginPolicy?: Partial<TenantPluginPolicy> }>(
  inner: RequestSchema<T>,
  what: string,
): RequestSchema<T> {
  return {
    schema: inner.schema,
    parse(value: unknown): T {
      const body = inner.parse(value);
      const hosts = body.pluginPolicy?.allowedHosts ?? [];
      const problems = hosts.flatMap((host, i) =>
        isPluginHost(host)
          ? []
          : [
              {
                path: `pluginPolicy.allowedHosts[${i}]`,
                message: 'is not a lowercase DNS name (optional :port; no wildcards or IP addresses)',
              },
            ],
      );
      const first = problems[0];
      if (first) {
        throw new RequestError('invalid_request', `${what} is invalid: ${first.path}: ${first.message}`, {
          problems,
        });
      }
      return body;
    },
  };
}

export const createTenantBody = withPluginHosts(
  requestSchema<CreateTenantBody>(
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
        pluginPolicy: pluginPolicySchema,
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
  ),
  'tenant',
);

export const updateTenantBody = withPluginHosts(
  requestSchema<UpdateTenantBody>(
    {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        name: nameSchema,
        maxProfile: profileSchema,
        quotas: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: quotaProperties,
        },
        mfaRequiredRoles: roleKeysSchema,
        pluginPolicy: pluginPolicySchema,
      },
    },
    'tenant update',
  ),
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
  pluginPolicy: {
    type: 'object',
    required: Object.keys(pluginPolicyProperties),
    properties: pluginPolicyProperties,
  },
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
