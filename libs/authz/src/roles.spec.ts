import { PERMISSIONS, type PermissionName } from './catalog';
import { BUILT_IN_ROLE_KEYS, BUILT_IN_ROLES, isBuiltInRoleKey } from './roles';

const permissionsOf = (key: keyof typeof BUILT_IN_ROLES): PermissionName[] =>
  [...BUILT_IN_ROLES[key].permissions].sort();

const sorted = (permissions: readonly PermissionName[]): PermissionName[] => [...permissions].sort();

describe('built-in roles', () => {
  it('has the six roles, keyed by their own key', () => {
    expect(BUILT_IN_ROLE_KEYS).toEqual(['owner', 'admin', 'developer', 'operator', 'viewer', 'auditor']);
    for (const key of BUILT_IN_ROLE_KEYS) expect(BUILT_IN_ROLES[key].key).toBe(key);
    expect(isBuiltInRoleKey('owner')).toBe(true);
    expect(isBuiltInRoleKey('release-manager')).toBe(false);
  });

  it('gives the Owner every permission', () => {
    expect(permissionsOf('owner')).toEqual(sorted(PERMISSIONS));
  });

  it('gives the Admin everything but the tenant itself and the audit trail', () => {
    expect(permissionsOf('admin')).toEqual(
      sorted(PERMISSIONS.filter((p) => !['tenant:manage', 'audit:read', 'audit:export'].includes(p))),
    );
  });

  it('lets a Developer author and run workflows, plugins and credentials, and nothing administrative', () => {
    expect(permissionsOf('developer')).toEqual(
      sorted([
        'workflow:create',
        'workflow:read',
        'workflow:update',
        'workflow:delete',
        'workflow:execute',
        'run:read',
        'run:cancel',
        'run:reset',
        'plugin:create',
        'plugin:read',
        'plugin:update',
        'plugin:test',
        'credential:create',
        'credential:read-metadata',
        'credential:update',
        'credential:delete',
        'credential:use',
      ]),
    );
  });

  it('lets an Operator read, execute, approve and repair, but author nothing', () => {
    expect(permissionsOf('operator')).toEqual(
      sorted([
        'workflow:read',
        'workflow:execute',
        'workflow:approve',
        'run:read',
        'run:cancel',
        'run:approve',
        'run:reset',
        'plugin:read',
        'credential:read-metadata',
        'credential:use',
      ]),
    );
  });

  it('lets a Viewer only read, and never a credential beyond its metadata', () => {
    expect(permissionsOf('viewer')).toEqual(
      sorted(['workflow:read', 'run:read', 'plugin:read', 'credential:read-metadata']),
    );
  });

  it('gives the Auditor the audit trail plus the Viewer reads', () => {
    expect(permissionsOf('auditor')).toEqual(
      sorted([...BUILT_IN_ROLES.viewer.permissions, 'audit:read', 'audit:export']),
    );
  });

  it('keeps administration with Owners and Admins only', () => {
    const administrative: PermissionName[] = ['user:manage', 'role:manage', 'tenant:manage', 'apikey:manage'];
    for (const key of ['developer', 'operator', 'viewer', 'auditor'] as const)
      for (const permission of administrative)
        expect(BUILT_IN_ROLES[key].permissions).not.toContain(permission);
  });
});
