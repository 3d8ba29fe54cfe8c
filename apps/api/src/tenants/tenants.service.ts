import { Injectable } from '@nestjs/common';
import { Connection } from '@temporalio/client';
import { isBuiltInRoleKey } from '@warden/authz';
import { ensureNamespace } from '@warden/engine';
import {
  CustomRoleRepository,
  DEFAULT_TENANT_PLUGIN_POLICY,
  PersistenceError,
  TenantRepository,
  UserRepository,
  type TenantEntity,
  type TenantPolicyUpdate,
} from '@warden/persistence';
import type { AuditContext } from '../audit/audit-context';
import { AuditTrail } from '../audit/audit-trail';
import { RequestError } from '../http/request.errors';
import { adminSetPasswordHash } from '../users/user-password';
import {
  toTenantView,
  type CreateTenantBody,
  type TenantCreated,
  type TenantView,
  type UpdateTenantBody,
} from './tenants.dto';
import { TenantError } from './tenants.errors';

/** How long Temporal keeps a dedicated tenant's closed runs (the pooled namespace has its own setting). */
export const DEDICATED_NAMESPACE_RETENTION_DAYS = 30;
const LIST_LIMIT = 1000;

@Injectable()
export class TenantsService {
  constructor(
    private readonly store: TenantRepository,
    private readonly tenants: TenantRepository,
    private readonly users: UserRepository,
    private readonly customRoles: CustomRoleRepository,
    private readonly audit: AuditTrail,
    private readonly temporal: Connection,
  ) {}

  /**
   * The tenant, its first Owner and the `tenant.create` event commit together. A dedicated
   * tenant's namespace is registered (idempotently) before the commit, so an answered 201 means
   * runs can start; if Temporal fails, nothing is stored and the request can simply be retried.
   */
  async create(body: CreateTenantBody, context: AuditContext): Promise<TenantCreated> {
    if (await this.tenants.findBySlug(body.slug)) throw slugTaken(body.slug);
    const passwordHash = body.owner
      ? await adminSetPasswordHash(body.owner.password, body.owner.email, 'owner.password')
      : undefined;
    try {
      const { pluginPolicy, ...fields } = body;
      const input = pluginPolicy
        ? { ...fields, pluginPolicy: { ...DEFAULT_TENANT_PLUGIN_POLICY, ...pluginPolicy } }
        : fields;
      return await this.store.createWith(input, async (tx, tenant) => {
        const owner =
          body.owner && passwordHash !== undefined
            ? await this.users.create(tx, {
                email: body.owner.email,
                displayName: body.owner.displayName,
                passwordHash,
                roles: ['owner'],
              })
            : undefined;
        await this.audit.record(tx, context, {
          action: 'tenant.create',
          target: { type: 'tenant', id: tenant.id },
          details: {
            slug: tenant.slug,
            isolation: tenant.isolation,
            namespace: tenant.namespace,
            maxProfile: tenant.maxProfile,
            region: tenant.region,
            quotas: tenant.quotas,
            mfaRequiredRoles: tenant.mfaRequiredRoles,
            pluginPolicy: tenant.pluginPolicy,
            ownerUserId: owner?.id ?? null,
          },
        });
        if (tenant.isolation === 'dedicated') await this.registerNamespace(tenant);
        return { ...toTenantView(tenant), owner: owner ? { id: owner.id, email: owner.email } : null };
      });
    } catch (err) {
      if (err instanceof PersistenceError && err.code === 'tenant_slug_taken') throw slugTaken(body.slug);
      throw err;
    }
  }

  async list(): Promise<TenantView[]> {
    return (await this.store.list(LIST_LIMIT)).map(toTenantView);
  }

  async get(tenantId: string): Promise<TenantView> {
    const tenant = await this.tenants.findById(tenantId);
    if (!tenant) throw notFound(tenantId);
    return toTenantView(tenant);
  }

  /** Audited as `tenant.update` in the tenant's own chain, with the old and new values. */
  async update(tenantId: string, body: UpdateTenantBody, context: AuditContext): Promise<TenantView> {
    const updated = await this.store.updateWith(
      tenantId,
      async (current) => {
        const changes: TenantPolicyUpdate = {};
        if (body.name !== undefined) changes.name = body.name;
        if (body.maxProfile !== undefined) changes.maxProfile = body.maxProfile;
        if (body.quotas !== undefined) changes.quotas = { ...current.quotas, ...body.quotas };
        if (body.pluginPolicy !== undefined) {
          changes.pluginPolicy = { ...current.pluginPolicy, ...body.pluginPolicy };
        }
        if (body.mfaRequiredRoles !== undefined) {
          await this.assertRolesExist(current, body.mfaRequiredRoles);
          changes.mfaRequiredRoles = body.mfaRequiredRoles;
        }
        return changes;
      },
      async (tx, before, after) => {
        await this.audit.record(tx, context, {
          action: 'tenant.update',
          target: { type: 'tenant', id: tenantId },
          details: changedFields(before, after),
        });
        return after;
      },
    );
    if (!updated) throw notFound(tenantId);
    return toTenantView(updated);
  }

  private async assertRolesExist(tenant: TenantEntity, roleKeys: readonly string[]): Promise<void> {
    const custom = new Set((await this.customRoles.list({ tenantId: tenant.id })).map((r) => r.key));
    const unknown = roleKeys.filter((key) => !isBuiltInRoleKey(key) && !custom.has(key));
    if (unknown.length > 0) {
      throw new RequestError('invalid_request', `unknown role '${unknown[0]}' in mfaRequiredRoles`, {
        problems: unknown.map((key) => ({
          path: `mfaRequiredRoles[${roleKeys.indexOf(key)}]`,
          message: `'${key}' is neither a built-in role nor a custom role of this tenant`,
        })),
      });
    }
  }

  private async registerNamespace(tenant: TenantEntity): Promise<void> {
    try {
      await ensureNamespace(this.temporal, tenant.namespace, {
        retentionDays: DEDICATED_NAMESPACE_RETENTION_DAYS,
        description: `Warden tenant ${tenant.slug}`,
      });
    } catch (err) {
      throw new TenantError(
        'namespace_unavailable',
        `the Temporal namespace '${tenant.namespace}' could not be registered; nothing was stored, retry later`,
        { namespace: tenant.namespace, reason: err instanceof Error ? err.message : String(err) },
      );
    }
  }
}

function changedFields(before: TenantEntity, after: TenantEntity): Record<string, unknown> {
  const fields = ['name', 'maxProfile', 'quotas', 'mfaRequiredRoles', 'pluginPolicy'] as const;
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of fields) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
      changes[field] = { from: before[field], to: after[field] };
    }
  }
  return { changes };
}

function slugTaken(slug: string): TenantError {
  return new TenantError('tenant_exists', `a tenant with slug '${slug}' already exists`, {
    problems: [{ path: 'slug', message: 'is already taken' }],
  });
}

function notFound(tenantId: string): TenantError {
  return new TenantError('tenant_not_found', `no tenant with id '${tenantId}'`);
}
