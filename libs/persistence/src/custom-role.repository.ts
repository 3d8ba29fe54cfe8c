import type { CustomRole } from '@warden/authz';
import type { DataSource } from 'typeorm';
import { CustomRoleEntity } from './entities/custom-role.entity';
import { insertedRows } from './insert-result';
import { PersistenceError } from './persistence.errors';
import { withTenant } from './tenant-db';
import type { TenantScope } from './tenant-scope';

/**
 * A tenant's custom roles, in @warden/authz's shape. Permission names come back typed as authz
 * expects without a check here: authz validates every role when it resolves it (unknown
 * permissions fail closed), so the database is not trusted blindly.
 */
export class CustomRoleRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(scope: TenantScope): Promise<CustomRole[]> {
    const rows = await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.find(CustomRoleEntity, { where: { tenantId: scope.tenantId }, order: { key: 'ASC' } }),
    );
    return rows.map(toCustomRole);
  }

  async find(scope: TenantScope, key: string): Promise<CustomRole | undefined> {
    const row = await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.findOneBy(CustomRoleEntity, { tenantId: scope.tenantId, key }),
    );
    return row ? toCustomRole(row) : undefined;
  }

  /** Throws PersistenceError `custom_role_exists`. */
  async create(scope: TenantScope, role: CustomRole): Promise<void> {
    await withTenant(this.dataSource, scope, async ({ manager }) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(CustomRoleEntity)
        .values(toRow(scope, role))
        .orIgnore()
        .execute();
      if (insertedRows(inserted.raw) === 0) {
        throw new PersistenceError('custom_role_exists', `a custom role '${role.key}' already exists`);
      }
    });
  }

  /** Replaces name, base and permission changes; false when there is no such role. */
  async update(scope: TenantScope, role: CustomRole): Promise<boolean> {
    const { name, extends: base, add, remove } = toRow(scope, role);
    return withTenant(this.dataSource, scope, async ({ manager }) => {
      const result = await manager.update(
        CustomRoleEntity,
        { tenantId: scope.tenantId, key: role.key },
        { name, extends: base, add, remove },
      );
      return (result.affected ?? 0) > 0;
    });
  }

  async delete(scope: TenantScope, key: string): Promise<boolean> {
    return withTenant(this.dataSource, scope, async ({ manager }) => {
      const result = await manager.delete(CustomRoleEntity, { tenantId: scope.tenantId, key });
      return (result.affected ?? 0) > 0;
    });
  }
}

function toRow(scope: TenantScope, role: CustomRole): CustomRoleEntity {
  return Object.assign(new CustomRoleEntity(), {
    tenantId: scope.tenantId,
    key: role.key,
    name: role.name,
    extends: role.extends ?? null,
    add: [...role.add],
    remove: [...role.remove],
  });
}

function toCustomRole(row: CustomRoleEntity): CustomRole {
  return {
    key: row.key,
    name: row.name,
    ...(row.extends !== null ? { extends: row.extends } : {}),
    add: row.add as CustomRole['add'],
    remove: row.remove as CustomRole['remove'],
  };
}
