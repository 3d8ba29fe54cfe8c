/**
 * Anti-escalation: nobody hands out more than they hold. The API calls these before it saves
 * a grant, a custom role, an API key or a user's roles; each throws an AuthzError naming what
 * is missing. Holding a permission means holding it tenant-wide through roles: a resource
 * grant lets you use a permission on one resource, not pass it on.
 */
import { effectivePermissions, type Principal } from './ability';
import { AuthzError } from './authz.errors';
import { PERMISSIONS, type PermissionName } from './catalog';
import { resolveRolePermissions, validateCustomRoles, type CustomRole } from './custom-roles';

const OWNER_ROLE = 'owner';

function missingFrom(held: ReadonlySet<PermissionName>, wanted: Iterable<PermissionName>): PermissionName[] {
  const missing = new Set<PermissionName>();
  for (const permission of wanted) if (!held.has(permission)) missing.add(permission);
  // Catalog order, so messages and tests do not depend on input order.
  return PERMISSIONS.filter((permission) => missing.has(permission));
}

function requirePermission(granter: Principal, permission: PermissionName, doing: string): void {
  if (!effectivePermissions(granter).has(permission))
    throw new AuthzError('permission_denied', `${doing} needs '${permission}'`, { missing: [permission] });
}

/** An Owner is someone holding the owner role with every permission it grants (not a narrowed API key). */
function isOwner(principal: Principal): boolean {
  return (
    principal.roles.includes(OWNER_ROLE) &&
    missingFrom(effectivePermissions(principal), PERMISSIONS).length === 0
  );
}

/** Refuses to hand out (in a grant, a custom role or an API key) permissions the granter lacks. */
export function assertCanGrantPermissions(granter: Principal, permissions: readonly PermissionName[]): void {
  const missing = missingFrom(effectivePermissions(granter), permissions);
  if (missing.length > 0)
    throw new AuthzError('escalation', `Cannot grant permissions you do not hold: ${missing.join(', ')}`, {
      missing,
    });
}

/** Refuses to assign a role unless the granter holds every permission the role resolves to. */
export function assertCanAssignRole(
  granter: Principal,
  roleKey: string,
  customRoles: readonly CustomRole[],
): void {
  const missing = missingFrom(effectivePermissions(granter), resolveRolePermissions(roleKey, customRoles));
  if (missing.length > 0)
    throw new AuthzError('escalation', `Cannot assign role '${roleKey}': you lack ${missing.join(', ')}`, {
      missing,
      subject: roleKey,
    });
}

/**
 * Refuses to create or replace a custom role unless the granter holds `role:manage` and every
 * permission the role resolves to. `customRoles` is the tenant's current set; the role replaces
 * the one with the same key, and the whole resulting set must be valid.
 */
export function assertCanSaveCustomRole(
  granter: Principal,
  role: CustomRole,
  customRoles: readonly CustomRole[],
): void {
  requirePermission(granter, 'role:manage', 'Defining a custom role');
  const next = [...customRoles.filter((existing) => existing.key !== role.key), role];
  validateCustomRoles(next);
  assertCanAssignRole(granter, role.key, next);
}

export interface UserRoleChangeContext {
  /** The tenant's custom roles, to resolve the roles being assigned. */
  readonly customRoles: readonly CustomRole[];
  /** How many users of the tenant hold the owner role right now (the target included). */
  readonly ownerCount: number;
}

/**
 * Checks a change of one user's roles: needs `user:manage`; only an Owner may touch the roles of
 * an Owner; the tenant keeps at least one Owner; every added role passes `assertCanAssignRole`.
 * Removing a role is never an escalation, so it needs no more than that.
 */
export function assertCanChangeUserRoles(
  granter: Principal,
  targetCurrentRoles: readonly string[],
  targetNewRoles: readonly string[],
  context: UserRoleChangeContext,
): void {
  requirePermission(granter, 'user:manage', "Changing a user's roles");
  const added = targetNewRoles.filter((role) => !targetCurrentRoles.includes(role));
  const removed = targetCurrentRoles.filter((role) => !targetNewRoles.includes(role));
  if (added.length === 0 && removed.length === 0) return;

  const targetIsOwner = targetCurrentRoles.includes(OWNER_ROLE);
  if (targetIsOwner && !isOwner(granter))
    throw new AuthzError('owner_protected', 'Only an Owner may change the roles of an Owner', {
      subject: OWNER_ROLE,
    });
  if (targetIsOwner && removed.includes(OWNER_ROLE) && context.ownerCount <= 1)
    throw new AuthzError('last_owner', 'The tenant would be left without an Owner', { subject: OWNER_ROLE });

  const held = effectivePermissions(granter);
  const missing = missingFrom(
    held,
    added.flatMap((role) => [...resolveRolePermissions(role, context.customRoles)]),
  );
  if (missing.length > 0)
    throw new AuthzError('escalation', `Cannot assign ${added.join(', ')}: you lack ${missing.join(', ')}`, {
      missing,
    });
}
