/** Test builders: principals, custom roles and grants with sensible defaults. */
import type { Principal, ResourceGrant } from '../ability';
import { AuthzError, type AuthzErrorCode } from '../authz.errors';
import { caslPermission, type PermissionName } from '../catalog';
import type { CustomRole } from '../custom-roles';

export const TENANT = 'tenant-a';
export const OTHER_TENANT = 'tenant-b';

export function aPrincipal(overrides: Partial<Principal> = {}): Principal {
  return { tenantId: TENANT, roles: [], customRoles: [], grants: [], ...overrides };
}

export function aCustomRole(overrides: Partial<CustomRole> & Pick<CustomRole, 'key'>): CustomRole {
  return { name: `Role ${overrides.key}`, add: [], remove: [], ...overrides };
}

export function aGrant(permission: PermissionName, resourceId: string): ResourceGrant {
  return { permission, resourceType: caslPermission(permission).subject, resourceId };
}

/** Runs fn, expecting an AuthzError with `code`; returns it for further checks. */
export function authzErrorOf(code: AuthzErrorCode, fn: () => unknown): AuthzError {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof AuthzError)) throw err;
    if (err.code !== code)
      throw new Error(`expected AuthzError '${code}', got '${err.code}': ${err.message}`);
    return err;
  }
  throw new Error(`expected AuthzError '${code}', nothing was thrown`);
}
