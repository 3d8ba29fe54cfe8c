import { randomUUID } from 'node:crypto';
import type { SecurityProfile } from '@warden/definition';
import type { DataSource } from 'typeorm';
import {
  DEFAULT_TENANT_PLUGIN_POLICY,
  DEFAULT_TENANT_QUOTAS,
  TenantEntity,
  type TenantIsolation,
  type TenantPluginPolicy,
  type TenantQuotas,
} from './entities/tenant.entity';
import { isUuid } from './ids';
import { insertedRows } from './insert-result';
import { PersistenceError } from './persistence.errors';
import { withTenant, type TenantTransaction } from './tenant-db';
import type { TenantScope } from './tenant-scope';

export interface NewTenant {
  slug: string;
  name: string;
  isolation?: TenantIsolation;
  maxProfile?: SecurityProfile;
  region?: string;
  quotas?: TenantQuotas;
  mfaRequiredRoles?: string[];
  pluginPolicy?: TenantPluginPolicy;
}

/** What an administrator may change after creation (slug, isolation and namespace are fixed). */
export type TenantPolicyUpdate = Partial<
  Pick<TenantEntity, 'name' | 'maxProfile' | 'region' | 'quotas' | 'mfaRequiredRoles' | 'pluginPolicy'>
>;

/** DNS-label rules, because the slug becomes part of a Temporal namespace and task queue names (the engine's TENANT_SLUG_PATTERN). */
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The dedicated Temporal namespace of a tenant; pooled tenants share 'default'. */
export function tenantNamespace(slug: string, isolation: TenantIsolation): string {
  return isolation === 'dedicated' ? `warden-${slug}` : 'default';
}

/**
 * The tenant registry. Not tenant-scoped (the tenants table has no row-level security): sign-in
 * resolves a slug before a tenant is known, and workers list the pooled tenants.
 */
export class TenantRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Throws PersistenceError `tenant_slug_taken`; a RangeError for a slug that is not a DNS label. */
  async create(input: NewTenant): Promise<TenantEntity> {
    return this.createWith(input, async (_tx, tenant) => tenant);
  }

  /**
   * Inserts the tenant and runs `fn` in the same transaction, opened in the new tenant's scope,
   * so its first rows (an Owner, the first audit event) commit with it or not at all.
   */
  async createWith<T>(
    input: NewTenant,
    fn: (tx: TenantTransaction, tenant: TenantEntity) => Promise<T>,
  ): Promise<T> {
    if (!SLUG.test(input.slug)) throw new RangeError(`tenant slug '${input.slug}' is not a DNS label`);
    const isolation = input.isolation ?? 'pooled';
    const id = randomUUID();
    return withTenant(this.dataSource, { tenantId: id }, async (tx) => {
      const tenant = tx.manager.create(TenantEntity, {
        id,
        slug: input.slug,
        name: input.name,
        isolation,
        namespace: tenantNamespace(input.slug, isolation),
        maxProfile: input.maxProfile ?? 'standard',
        region: input.region ?? 'local',
        quotas: input.quotas ?? { ...DEFAULT_TENANT_QUOTAS },
        mfaRequiredRoles: input.mfaRequiredRoles ?? [],
        pluginPolicy: input.pluginPolicy ?? { ...DEFAULT_TENANT_PLUGIN_POLICY },
      });
      const inserted = await tx.manager
        .createQueryBuilder()
        .insert()
        .into(TenantEntity)
        .values(tenant)
        .orIgnore()
        .execute();
      if (insertedRows(inserted.raw) === 0) {
        throw new PersistenceError('tenant_slug_taken', `a tenant with slug '${input.slug}' already exists`);
      }
      return fn(tx, await tx.manager.findOneByOrFail(TenantEntity, { id }));
    });
  }

  /** Every tenant, by slug. */
  async list(limit: number): Promise<TenantEntity[]> {
    return this.dataSource.manager.find(TenantEntity, { order: { slug: 'ASC' }, take: limit });
  }

  /**
   * Locks the tenant's row, applies the changes `changesFor` computes from it, and runs `fn`
   * with the rows before and after, in one transaction in that tenant's scope. Undefined when
   * there is no such tenant.
   */
  async updateWith<T>(
    id: string,
    changesFor: (current: TenantEntity) => Promise<TenantPolicyUpdate>,
    fn: (tx: TenantTransaction, before: TenantEntity, after: TenantEntity) => Promise<T>,
  ): Promise<T | undefined> {
    if (!isUuid(id)) return undefined;
    return withTenant(this.dataSource, { tenantId: id }, async (tx) => {
      const current = await tx.manager.findOne(TenantEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!current) return undefined;
      const changes = await changesFor(current);
      if (Object.keys(changes).length > 0) await tx.manager.update(TenantEntity, { id }, changes);
      return fn(tx, current, await tx.manager.findOneByOrFail(TenantEntity, { id }));
    });
  }

  async findById(id: string): Promise<TenantEntity | undefined> {
    if (!isUuid(id)) return undefined;
    return (await this.dataSource.manager.findOneBy(TenantEntity, { id })) ?? undefined;
  }

  async findBySlug(slug: string): Promise<TenantEntity | undefined> {
    return (await this.dataSource.manager.findOneBy(TenantEntity, { slug })) ?? undefined;
  }

  /**
   * The scope's tenant's plugin policy; given a TenantTransaction, read in it (the worker reads it
   * with the plugin version it loads). Undefined when there is no such tenant.
   */
  async pluginPolicy(scope: TenantScope): Promise<TenantPluginPolicy | undefined> {
    return withTenant(this.dataSource, scope, async (tx) => {
      const tenant = await tx.manager.findOne(TenantEntity, {
        where: { id: tx.tenantId },
        select: { id: true, pluginPolicy: true },
      });
      return tenant?.pluginPolicy;
    });
  }

  /** The tenants the shared worker pool serves, by slug. */
  async listPooled(): Promise<TenantEntity[]> {
    return this.dataSource.manager.find(TenantEntity, {
      where: { isolation: 'pooled' },
      order: { slug: 'ASC' },
    });
  }

  /** Returns the tenant as stored afterwards; undefined when there is none. */
  async updatePolicy(id: string, changes: TenantPolicyUpdate): Promise<TenantEntity | undefined> {
    if (!isUuid(id)) return undefined;
    if (Object.keys(changes).length > 0) await this.dataSource.manager.update(TenantEntity, { id }, changes);
    return this.findById(id);
  }
}
