import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  DEFAULT_TENANT_QUOTAS,
  PersistenceError,
  TenantEntity,
  tenantNamespace,
  withTenant,
  type NewTenant,
  type TenantPolicyUpdate,
  type TenantTransaction,
} from '@warden/persistence';
import { DataSource } from 'typeorm';

/**
 * Tenant registry writes that must share a transaction with the new tenant's first rows (its
 * Owner, its first audit event), which TenantRepository's own writes cannot join. The tenants
 * table has no row-level security; the transaction is opened in the new tenant's scope so the
 * rows that do have it can be written next to it. Candidate for @warden/persistence.
 */
@Injectable()
export class TenantStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `fn` after inserting the tenant, in the same transaction (scoped to the new tenant). */
  async create<T>(
    input: NewTenant,
    fn: (tx: TenantTransaction, tenant: TenantEntity) => Promise<T>,
  ): Promise<T> {
    const isolation = input.isolation ?? 'pooled';
    const id = randomUUID();
    return withTenant(this.dataSource, { tenantId: id }, async (tx) => {
      const inserted: { id: string }[] = await tx.manager
        .createQueryBuilder()
        .insert()
        .into(TenantEntity)
        .values({
          id,
          slug: input.slug,
          name: input.name,
          isolation,
          namespace: tenantNamespace(input.slug, isolation),
          maxProfile: input.maxProfile ?? 'standard',
          region: input.region ?? 'local',
          quotas: input.quotas ?? { ...DEFAULT_TENANT_QUOTAS },
          mfaRequiredRoles: input.mfaRequiredRoles ?? [],
        })
        .orIgnore()
        .returning(['id'])
        .execute()
        .then((result) => result.raw as { id: string }[]);
      if (inserted.length === 0) {
        throw new PersistenceError('tenant_slug_taken', `a tenant with slug '${input.slug}' already exists`);
      }
      const tenant = await tx.manager.findOneByOrFail(TenantEntity, { id });
      return fn(tx, tenant);
    });
  }

  /** Every tenant, by slug (a registry of installations' tenants: tens to thousands). */
  async list(limit: number): Promise<TenantEntity[]> {
    return this.dataSource.manager.find(TenantEntity, { order: { slug: 'ASC' }, take: limit });
  }

  /**
   * Locks the tenant's row, applies `changes` computed from it, and runs `fn` with the result,
   * all in one transaction in that tenant's scope. Undefined when there is no such tenant.
   */
  async update<T>(
    id: string,
    changesFor: (current: TenantEntity) => Promise<TenantPolicyUpdate>,
    fn: (tx: TenantTransaction, before: TenantEntity, after: TenantEntity) => Promise<T>,
  ): Promise<T | undefined> {
    return withTenant(this.dataSource, { tenantId: id }, async (tx) => {
      const current = await tx.manager.findOne(TenantEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!current) return undefined;
      const changes = await changesFor(current);
      if (Object.keys(changes).length > 0) await tx.manager.update(TenantEntity, { id }, changes);
      const after = await tx.manager.findOneByOrFail(TenantEntity, { id });
      return fn(tx, current, after);
    });
  }
}
