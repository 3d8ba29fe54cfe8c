/**
 * @warden/authz: Warden's permission model on CASL. Pure: no I/O. The permission catalog,
 * the built-in and custom roles, resource grants, the per-tenant CASL ability the API checks,
 * and the anti-escalation rules the API applies before saving roles, grants and API keys.
 *
 *   const ability = buildAbility(principal);
 *   if (!canOn(ability, 'workflow:execute', workflow)) throw new ForbiddenException();
 *
 * `canOn` checks one loaded resource (its tenant, and its id for grants); `canAny` only says
 * whether the action is allowed on some resource (list and create routes).
 */
export {
  PERMISSIONS,
  CASL_SUBJECTS,
  RESOURCE_SUBJECTS,
  MANAGE_CASL_ACTION,
  isPermissionName,
  caslPermission,
  type PermissionName,
  type ResourceName,
  type PermissionAction,
  type CaslSubject,
  type CaslAction,
  type CaslPermission,
} from './catalog';
export { AuthzError, type AuthzErrorCode, type AuthzErrorDetails } from './authz.errors';
export {
  BUILT_IN_ROLE_KEYS,
  BUILT_IN_ROLES,
  isBuiltInRoleKey,
  type BuiltInRoleKey,
  type BuiltInRole,
} from './roles';
export { resolveRolePermissions, validateCustomRoles, type CustomRole } from './custom-roles';
export {
  buildAbility,
  canOn,
  canAny,
  effectivePermissions,
  type Principal,
  type ResourceGrant,
  type TenantResource,
  type WardenAbility,
} from './ability';
export {
  assertCanGrantPermissions,
  assertCanAssignRole,
  assertCanSaveCustomRole,
  assertCanChangeUserRoles,
  type UserRoleChangeContext,
} from './escalation';
