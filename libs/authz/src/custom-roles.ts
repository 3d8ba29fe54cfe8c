/**
 * Custom roles: a tenant's own roles, each optionally extending a built-in or another custom
 * role, adding and removing permissions. Resolution refuses anything ambiguous (unknown keys,
 * cycles, shadowed built-ins) rather than guessing, so a bad role set fails closed.
 */
import { AuthzError } from './authz.errors';
import { isPermissionName, type PermissionName } from './catalog';
import { BUILT_IN_ROLES, isBuiltInRoleKey } from './roles';

export interface CustomRole {
  /** Lower-case slug, unique in the tenant, never a built-in key. */
  readonly key: string;
  readonly name: string;
  /** A built-in or custom role key this role starts from. */
  readonly extends?: string;
  readonly add: readonly PermissionName[];
  readonly remove: readonly PermissionName[];
}

const ROLE_KEY = /^[a-z][a-z0-9-]{0,62}$/;
const MAX_ROLE_NAME_LENGTH = 100;

/** Indexes a role set by key, refusing shadowed built-ins, duplicates and malformed roles. */
function indexCustomRoles(customRoles: readonly CustomRole[]): ReadonlyMap<string, CustomRole> {
  const byKey = new Map<string, CustomRole>();
  for (const role of customRoles) {
    if (isBuiltInRoleKey(role.key))
      throw new AuthzError('role_key_reserved', `Custom role key '${role.key}' is a built-in role`, {
        subject: role.key,
      });
    if (byKey.has(role.key))
      throw new AuthzError('role_duplicate', `Custom role key '${role.key}' is used twice`, {
        subject: role.key,
      });
    assertWellFormed(role);
    byKey.set(role.key, role);
  }
  return byKey;
}

function assertWellFormed(role: CustomRole): void {
  if (!ROLE_KEY.test(role.key))
    throw new AuthzError(
      'role_invalid',
      `Custom role key '${role.key}' must be 1-63 lower-case letters, digits or dashes, starting with a letter`,
      { subject: role.key },
    );
  const name = role.name.trim();
  if (name.length === 0 || name.length > MAX_ROLE_NAME_LENGTH)
    throw new AuthzError('role_invalid', `Custom role '${role.key}' needs a name of 1-100 characters`, {
      subject: role.key,
    });
  for (const permission of [...role.add, ...role.remove]) assertKnownPermission(permission);
  const both = role.add.filter((permission) => role.remove.includes(permission));
  if (both.length > 0)
    throw new AuthzError(
      'role_invalid',
      `Custom role '${role.key}' both adds and removes ${both.join(', ')}`,
      { subject: role.key },
    );
}

export function assertKnownPermission(permission: string): asserts permission is PermissionName {
  if (!isPermissionName(permission))
    throw new AuthzError('permission_unknown', `Unknown permission '${permission}'`, { subject: permission });
}

function resolveIndexed(
  roleKey: string,
  byKey: ReadonlyMap<string, CustomRole>,
  path: readonly string[],
): ReadonlySet<PermissionName> {
  if (isBuiltInRoleKey(roleKey)) return new Set(BUILT_IN_ROLES[roleKey].permissions);
  const role = byKey.get(roleKey);
  if (role === undefined) {
    const via = path.length > 0 ? ` (extended by '${path[path.length - 1]}')` : '';
    throw new AuthzError('role_unknown', `Unknown role '${roleKey}'${via}`, { subject: roleKey });
  }
  const seenAt = path.indexOf(roleKey);
  if (seenAt >= 0) {
    const cycle = [...path.slice(seenAt), roleKey];
    throw new AuthzError('role_cycle', `Custom roles extend each other in a cycle: ${cycle.join(' -> ')}`, {
      cycle,
    });
  }
  const inherited =
    role.extends === undefined
      ? new Set<PermissionName>()
      : resolveIndexed(role.extends, byKey, [...path, roleKey]);
  const permissions = new Set(inherited);
  for (const permission of role.add) permissions.add(permission);
  for (const permission of role.remove) permissions.delete(permission);
  return permissions;
}

/**
 * The permissions a built-in or custom role grants, inheritance applied
 * (`extends` first, then `add`, then `remove`).
 */
export function resolveRolePermissions(
  roleKey: string,
  customRoles: readonly CustomRole[],
): ReadonlySet<PermissionName> {
  return resolveIndexed(roleKey, indexCustomRoles(customRoles), []);
}

/** The union of the permissions of several roles, resolving the custom role set once. */
export function resolveRolesPermissions(
  roleKeys: readonly string[],
  customRoles: readonly CustomRole[],
): Set<PermissionName> {
  const byKey = indexCustomRoles(customRoles);
  const permissions = new Set<PermissionName>();
  for (const roleKey of roleKeys)
    for (const permission of resolveIndexed(roleKey, byKey, [])) permissions.add(permission);
  return permissions;
}

/** Checks a tenant's whole custom role set before it is saved; throws the first problem found. */
export function validateCustomRoles(customRoles: readonly CustomRole[]): void {
  const byKey = indexCustomRoles(customRoles);
  for (const role of customRoles) resolveIndexed(role.key, byKey, []);
}
