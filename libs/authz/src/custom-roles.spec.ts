import type { PermissionName } from './catalog';
import { resolveRolePermissions, validateCustomRoles } from './custom-roles';
import { BUILT_IN_ROLES } from './roles';
import { aCustomRole, authzErrorOf } from './testing/builders';

const releaseEngineer = aCustomRole({
  key: 'release-engineer',
  extends: 'developer',
  add: ['workflow:approve', 'run:approve'],
  remove: ['workflow:delete'],
});

describe('resolveRolePermissions', () => {
  it('resolves a built-in role to its table row', () => {
    expect(resolveRolePermissions('operator', [])).toEqual(new Set(BUILT_IN_ROLES.operator.permissions));
  });

  it('applies extends, then add, then remove', () => {
    const resolved = resolveRolePermissions('release-engineer', [releaseEngineer]);
    const expected = new Set<PermissionName>(BUILT_IN_ROLES.developer.permissions);
    expected.add('workflow:approve');
    expected.add('run:approve');
    expected.delete('workflow:delete');
    expect(resolved).toEqual(expected);
  });

  it('inherits through a chain of custom roles', () => {
    const lead = aCustomRole({ key: 'release-lead', extends: 'release-engineer', add: ['apikey:manage'] });
    const resolved = resolveRolePermissions('release-lead', [lead, releaseEngineer]);
    expect(resolved.has('apikey:manage')).toBe(true);
    expect(resolved.has('run:approve')).toBe(true);
    expect(resolved.has('workflow:delete')).toBe(false);
  });

  it('starts from nothing without extends', () => {
    const runner = aCustomRole({ key: 'runner', add: ['workflow:execute'] });
    expect(resolveRolePermissions('runner', [runner])).toEqual(new Set(['workflow:execute']));
  });

  it('refuses a cycle and names its path', () => {
    const roles = [
      aCustomRole({ key: 'a', extends: 'b' }),
      aCustomRole({ key: 'b', extends: 'c' }),
      aCustomRole({ key: 'c', extends: 'a' }),
    ];
    const error = authzErrorOf('role_cycle', () => resolveRolePermissions('a', roles));
    expect(error.details.cycle).toEqual(['a', 'b', 'c', 'a']);
    expect(error.message).toContain('a -> b -> c -> a');
  });

  it('refuses a role that extends itself', () => {
    const error = authzErrorOf('role_cycle', () =>
      resolveRolePermissions('loop', [aCustomRole({ key: 'loop', extends: 'loop' })]),
    );
    expect(error.details.cycle).toEqual(['loop', 'loop']);
  });

  it('names only the looping part when the cycle starts further down', () => {
    const roles = [
      aCustomRole({ key: 'entry', extends: 'x' }),
      aCustomRole({ key: 'x', extends: 'y' }),
      aCustomRole({ key: 'y', extends: 'x' }),
    ];
    expect(authzErrorOf('role_cycle', () => resolveRolePermissions('entry', roles)).details.cycle).toEqual([
      'x',
      'y',
      'x',
    ]);
  });

  it('refuses an unknown role, asked for directly or extended', () => {
    expect(authzErrorOf('role_unknown', () => resolveRolePermissions('superuser', [])).details.subject).toBe(
      'superuser',
    );
    const orphan = aCustomRole({ key: 'orphan', extends: 'deleted-role' });
    expect(authzErrorOf('role_unknown', () => resolveRolePermissions('orphan', [orphan])).message).toContain(
      "extended by 'orphan'",
    );
  });

  it('refuses permissions outside the catalog', () => {
    const sloppy = aCustomRole({ key: 'sloppy', add: ['workflow:manage' as PermissionName] });
    expect(
      authzErrorOf('permission_unknown', () => resolveRolePermissions('sloppy', [sloppy])).details.subject,
    ).toBe('workflow:manage');
    const remover = aCustomRole({ key: 'remover', extends: 'viewer', remove: ['all' as PermissionName] });
    authzErrorOf('permission_unknown', () => resolveRolePermissions('remover', [remover]));
  });

  it('refuses a custom role that would shadow a built-in key', () => {
    const fakeViewer = aCustomRole({ key: 'viewer', add: ['tenant:manage'] });
    expect(
      authzErrorOf('role_key_reserved', () => resolveRolePermissions('viewer', [fakeViewer])).details.subject,
    ).toBe('viewer');
  });
});

describe('validateCustomRoles', () => {
  it('accepts a sound set', () => {
    const lead = aCustomRole({ key: 'release-lead', extends: 'release-engineer' });
    expect(() => validateCustomRoles([lead, releaseEngineer])).not.toThrow();
    expect(() => validateCustomRoles([])).not.toThrow();
  });

  it('finds a cycle no role outside it reaches', () => {
    const roles = [
      releaseEngineer,
      aCustomRole({ key: 'p', extends: 'q' }),
      aCustomRole({ key: 'q', extends: 'p' }),
    ];
    authzErrorOf('role_cycle', () => validateCustomRoles(roles));
  });

  it('refuses duplicate keys, reserved keys and malformed roles', () => {
    authzErrorOf('role_duplicate', () => validateCustomRoles([releaseEngineer, releaseEngineer]));
    authzErrorOf('role_key_reserved', () => validateCustomRoles([aCustomRole({ key: 'owner' })]));
    authzErrorOf('role_invalid', () => validateCustomRoles([aCustomRole({ key: 'Release Engineer' })]));
    authzErrorOf('role_invalid', () => validateCustomRoles([aCustomRole({ key: 'blank', name: '  ' })]));
    const contradictory = aCustomRole({ key: 'both', add: ['run:read'], remove: ['run:read'] });
    expect(authzErrorOf('role_invalid', () => validateCustomRoles([contradictory])).message).toContain(
      'run:read',
    );
  });

  it('refuses a role extending an unknown role', () => {
    authzErrorOf('role_unknown', () =>
      validateCustomRoles([aCustomRole({ key: 'child', extends: 'ghost' })]),
    );
  });
});
