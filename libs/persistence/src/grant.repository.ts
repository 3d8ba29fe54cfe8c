import { randomUUID } from 'node:crypto';
import type { ResourceGrant } from '@warden/authz';
import type { DataSource } from 'typeorm';
import { GrantEntity, type GrantPrincipalType } from './entities/grant.entity';
import { isUuid } from './ids';
import { insertedRows } from './insert-result';
import { PersistenceError } from './persistence.errors';
import { withTenant } from './tenant-db';
import type { TenantScope } from './tenant-scope';

export interface GrantPrincipal {
  type: GrantPrincipalType;
  id: string;
}

export interface NewGrant extends ResourceGrant {
  principal: GrantPrincipal;
  /** The granting user; null when the platform grants. */
  grantedBy: string | null;
}

/** Resource grants of one tenant. Like custom roles, authz re-validates them when it builds an ability. */
export class GrantRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Throws PersistenceError `grant_exists` when the principal already holds it on that resource. */
  async create(scope: TenantScope, input: NewGrant): Promise<GrantEntity> {
    return withTenant(this.dataSource, scope, async ({ manager }) => {
      const grant = manager.create(GrantEntity, {
        id: randomUUID(),
        tenantId: scope.tenantId,
        principalType: input.principal.type,
        principalId: input.principal.id,
        permission: input.permission,
        resourceType: input.resourceType,
        resourceId: input.resourceId,
        grantedBy: input.grantedBy,
      });
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(GrantEntity)
        .values(grant)
        .orIgnore()
        .execute();
      if (insertedRows(inserted.raw) === 0) {
        throw new PersistenceError(
          'grant_exists',
          `the principal already holds ${input.permission} on that resource`,
        );
      }
      return grant;
    });
  }

  /** What @warden/authz's Principal.grants expects for this user or API key. */
  async forPrincipal(scope: TenantScope, principal: GrantPrincipal): Promise<ResourceGrant[]> {
    if (!isUuid(principal.id)) return [];
    const rows = await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.find(GrantEntity, {
        where: { tenantId: scope.tenantId, principalType: principal.type, principalId: principal.id },
        order: { createdAt: 'ASC' },
      }),
    );
    return rows.map((row) => ({
      permission: row.permission as ResourceGrant['permission'],
      resourceType: row.resourceType as ResourceGrant['resourceType'],
      resourceId: row.resourceId,
    }));
  }

  /** Every grant on one resource (for its sharing screen). */
  async forResource(scope: TenantScope, resourceId: string): Promise<GrantEntity[]> {
    if (!isUuid(resourceId)) return [];
    return withTenant(this.dataSource, scope, ({ manager }) =>
      manager.find(GrantEntity, {
        where: { tenantId: scope.tenantId, resourceId },
        order: { createdAt: 'ASC' },
      }),
    );
  }

  async delete(scope: TenantScope, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return withTenant(this.dataSource, scope, async ({ manager }) => {
      const result = await manager.delete(GrantEntity, { tenantId: scope.tenantId, id });
      return (result.affected ?? 0) > 0;
    });
  }
}
