import { Injectable } from '@nestjs/common';
import {
  assertCanSaveCustomRole,
  BUILT_IN_ROLE_KEYS,
  BUILT_IN_ROLES,
  PERMISSIONS,
  resolveRolePermissions,
  type CustomRole,
} from '@warden/authz';
import {
  CustomRoleRepository,
  withTenant,
  type TenantScope,
  type TenantTransaction,
} from '@warden/persistence';
import { DataSource } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditTrail } from '../audit/audit-trail';
import type { Principal } from '../http/request-context';
import { countHolders, lockAccessModel } from './access-model-lock';
import { withAuditedRefusal } from './audited-refusal';
import { GranterLoader } from './granter';
import type { RoleDefinition, RoleView } from './roles.dto';
import { UserAdminError } from './users.errors';

@Injectable()
export class RolesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly customRoles: CustomRoleRepository,
    private readonly granters: GranterLoader,
    private readonly audit: AuditTrail,
  ) {}

  /** Built-in roles first (least privilege last, as defined), then the tenant's, by key. */
  async list(scope: TenantScope): Promise<RoleView[]> {
    const custom = await this.customRoles.list(scope);
    const builtIn = BUILT_IN_ROLE_KEYS.map((key): RoleView => {
      const role = BUILT_IN_ROLES[key];
      return {
        key,
        name: role.name,
        builtIn: true,
        description: role.description,
        extends: null,
        add: [],
        remove: [],
        permissions: inCatalogOrder(role.permissions),
      };
    });
    return [...builtIn, ...custom.map((role) => customRoleView(role, custom))];
  }

  /** The whole resulting role set must validate (no cycle) and the caller must hold every permission. */
  async create(
    scope: TenantScope,
    caller: Principal,
    role: CustomRole,
    context: AuditContext,
  ): Promise<RoleView> {
    return this.save(scope, caller, role, context, 'create');
  }

  async replace(
    scope: TenantScope,
    caller: Principal,
    role: CustomRole,
    context: AuditContext,
  ): Promise<RoleView> {
    return this.save(scope, caller, role, context, 'update');
  }

  /** Refused with `role_in_use` while a user holds the role or another role extends it. */
  async delete(scope: TenantScope, key: string, context: AuditContext): Promise<void> {
    await withTenant(this.dataSource, scope, async (tx) => {
      await lockAccessModel(tx);
      const roles = await this.customRoles.list(tx);
      const existing = roles.find((role) => role.key === key);
      if (!existing) throw notFound();
      const holders = await countHolders(tx, key);
      const extendedBy = roles.filter((role) => role.extends === key).map((role) => role.key);
      if (holders > 0 || extendedBy.length > 0) {
        throw new UserAdminError(
          'role_in_use',
          `role '${key}' is still ${holders > 0 ? `held by ${holders} user(s)` : `extended by ${extendedBy.join(', ')}`}`,
          { holders, extendedBy },
        );
      }
      await this.customRoles.delete(tx, key);
      await this.audit.record(tx, context, {
        action: 'role.delete',
        target: { type: 'role', id: key },
        details: { role: existing },
      });
    });
  }

  private async save(
    scope: TenantScope,
    caller: Principal,
    role: CustomRole,
    context: AuditContext,
    mode: 'create' | 'update',
  ): Promise<RoleView> {
    const attempt = { action: `role.${mode}`, target: { type: 'role', id: role.key }, details: { role } };
    return withAuditedRefusal(this.audit, scope, context, attempt, () =>
      withTenant(this.dataSource, scope, async (tx) => {
        await lockAccessModel(tx);
        const granter = await this.granters.load(tx, caller);
        const existing = granter.customRoles.find((r) => r.key === role.key);
        if (mode === 'create' && existing) {
          throw new UserAdminError('role_exists', `a custom role '${role.key}' already exists`, {
            problems: [{ path: 'key', message: 'is already taken' }],
          });
        }
        if (mode === 'update' && !existing) throw notFound();
        assertCanSaveCustomRole(granter.principal, role, granter.customRoles);
        await this.write(tx, role, mode);
        await this.audit.record(tx, context, {
          ...attempt,
          details: mode === 'create' ? { role } : { from: existing, to: role },
        });
        const next = [...granter.customRoles.filter((r) => r.key !== role.key), role];
        return customRoleView(role, next);
      }),
    );
  }

  private async write(tx: TenantTransaction, role: CustomRole, mode: 'create' | 'update'): Promise<void> {
    if (mode === 'create') await this.customRoles.create(tx, role);
    else await this.customRoles.update(tx, role);
  }
}

function customRoleView(role: CustomRole, set: readonly CustomRole[]): RoleView {
  return {
    key: role.key,
    name: role.name,
    builtIn: false,
    description: null,
    extends: role.extends ?? null,
    add: [...role.add],
    remove: [...role.remove],
    permissions: inCatalogOrder(resolveRolePermissions(role.key, set)),
  };
}

function inCatalogOrder(permissions: Iterable<string>): RoleView['permissions'] {
  const held = new Set(permissions);
  return PERMISSIONS.filter((permission) => held.has(permission));
}

function notFound(): UserAdminError {
  return new UserAdminError(
    'role_not_found',
    'no custom role has this key (built-in roles cannot be changed)',
  );
}

/** For PUT: the path's key with the body's definition. */
export function roleFrom(key: string, definition: RoleDefinition): CustomRole {
  return { key, ...definition };
}
