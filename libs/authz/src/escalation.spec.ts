import { PERMISSIONS } from './catalog';
import {
  assertCanAssignRole,
  assertCanChangeUserRoles,
  assertCanGrantPermissions,
  assertCanSaveCustomRole,
} from './escalation';
import { aCustomRole, aGrant, aPrincipal, authzErrorOf } from './testing/builders';

const owner = aPrincipal({ roles: ['owner'] });
const admin = aPrincipal({ roles: ['admin'] });
const developer = aPrincipal({ roles: ['developer'] });
const noCustomRoles = { customRoles: [], ownerCount: 2 };

describe('assertCanGrantPermissions', () => {
  it('lets a granter hand out what it holds', () => {
    expect(() => assertCanGrantPermissions(developer, ['workflow:execute', 'credential:use'])).not.toThrow();
    expect(() => assertCanGrantPermissions(owner, PERMISSIONS)).not.toThrow();
  });

  it('refuses what it does not hold and lists it', () => {
    const error = authzErrorOf('escalation', () =>
      assertCanGrantPermissions(developer, ['workflow:read', 'user:manage', 'audit:read']),
    );
    expect(error.details.missing).toEqual(['audit:read', 'user:manage']);
  });

  it('does not count a resource grant as holding the permission', () => {
    const viewer = aPrincipal({ roles: ['viewer'], grants: [aGrant('workflow:execute', 'wf-1')] });
    authzErrorOf('escalation', () => assertCanGrantPermissions(viewer, ['workflow:execute']));
  });

  it('limits an API key to its own list when it creates another key', () => {
    const key = aPrincipal({ roles: ['owner'], restrictTo: ['apikey:manage', 'workflow:read'] });
    expect(() => assertCanGrantPermissions(key, ['workflow:read'])).not.toThrow();
    expect(
      authzErrorOf('escalation', () => assertCanGrantPermissions(key, ['workflow:execute'])).details.missing,
    ).toEqual(['workflow:execute']);
  });
});

describe('assertCanAssignRole', () => {
  it('refuses an Admin making someone Owner', () => {
    const error = authzErrorOf('escalation', () => assertCanAssignRole(admin, 'owner', []));
    expect(error.details.missing).toEqual(['audit:read', 'audit:export', 'tenant:manage']);
  });

  it('lets an Admin assign roles within its own permissions', () => {
    for (const role of ['admin', 'developer', 'operator', 'viewer'])
      expect(() => assertCanAssignRole(admin, role, [])).not.toThrow();
    authzErrorOf('escalation', () => assertCanAssignRole(admin, 'auditor', []));
  });

  it('resolves custom roles before comparing', () => {
    const sneaky = aCustomRole({ key: 'sneaky', extends: 'viewer', add: ['tenant:manage'] });
    expect(
      authzErrorOf('escalation', () => assertCanAssignRole(admin, 'sneaky', [sneaky])).details.missing,
    ).toEqual(['tenant:manage']);
  });
});

describe('assertCanSaveCustomRole', () => {
  it('needs role:manage', () => {
    const role = aCustomRole({ key: 'reader', extends: 'viewer' });
    expect(
      authzErrorOf('permission_denied', () => assertCanSaveCustomRole(developer, role, [])).details.missing,
    ).toEqual(['role:manage']);
    expect(() => assertCanSaveCustomRole(admin, role, [])).not.toThrow();
  });

  it('refuses a role granting more than the granter holds, inherited or added', () => {
    const ownerLike = aCustomRole({ key: 'almost-owner', extends: 'owner', remove: ['audit:export'] });
    expect(
      authzErrorOf('escalation', () => assertCanSaveCustomRole(admin, ownerLike, [])).details.missing,
    ).toEqual(['audit:read', 'tenant:manage']);
  });

  it('replaces the role with the same key and validates the resulting set', () => {
    const base = aCustomRole({ key: 'base', extends: 'viewer' });
    const child = aCustomRole({ key: 'child', extends: 'base' });
    const loopingBase = aCustomRole({ key: 'base', extends: 'child' });
    authzErrorOf('role_cycle', () => assertCanSaveCustomRole(owner, loopingBase, [base, child]));
    const widerBase = aCustomRole({ key: 'base', extends: 'operator' });
    expect(() => assertCanSaveCustomRole(owner, widerBase, [base, child])).not.toThrow();
  });
});

describe('assertCanChangeUserRoles', () => {
  it('needs user:manage', () => {
    const error = authzErrorOf('permission_denied', () =>
      assertCanChangeUserRoles(developer, ['viewer'], ['viewer', 'operator'], noCustomRoles),
    );
    expect(error.details.missing).toEqual(['user:manage']);
  });

  it('lets an Admin promote a Viewer to Developer and demote them again', () => {
    expect(() => assertCanChangeUserRoles(admin, ['viewer'], ['developer'], noCustomRoles)).not.toThrow();
    expect(() => assertCanChangeUserRoles(admin, ['developer'], ['viewer'], noCustomRoles)).not.toThrow();
  });

  it('refuses an Admin adding a role beyond its own permissions', () => {
    const error = authzErrorOf('escalation', () =>
      assertCanChangeUserRoles(admin, ['viewer'], ['viewer', 'auditor'], noCustomRoles),
    );
    expect(error.details.missing).toEqual(['audit:read', 'audit:export']);
    authzErrorOf('escalation', () => assertCanChangeUserRoles(admin, ['admin'], ['owner'], noCustomRoles));
  });

  it('refuses an Admin changing or removing the roles of an Owner', () => {
    authzErrorOf('owner_protected', () =>
      assertCanChangeUserRoles(admin, ['owner'], ['viewer'], noCustomRoles),
    );
    authzErrorOf('owner_protected', () =>
      assertCanChangeUserRoles(admin, ['owner'], ['owner', 'viewer'], noCustomRoles),
    );
  });

  it("does not treat an Owner's narrowed API key as an Owner", () => {
    const key = aPrincipal({ roles: ['owner'], restrictTo: ['user:manage'] });
    authzErrorOf('owner_protected', () => assertCanChangeUserRoles(key, ['owner'], ['admin'], noCustomRoles));
  });

  it('lets an Owner demote another Owner while another remains', () => {
    expect(() => assertCanChangeUserRoles(owner, ['owner'], ['admin'], noCustomRoles)).not.toThrow();
  });

  it('refuses removing the last Owner, even by an Owner', () => {
    const lastOne = { customRoles: [], ownerCount: 1 };
    authzErrorOf('last_owner', () => assertCanChangeUserRoles(owner, ['owner'], ['admin'], lastOne));
    authzErrorOf('last_owner', () => assertCanChangeUserRoles(owner, ['owner'], [], lastOne));
    expect(() => assertCanChangeUserRoles(owner, ['owner'], ['owner', 'auditor'], lastOne)).not.toThrow();
  });

  it('allows a no-op change and refuses an unknown new role', () => {
    expect(() => assertCanChangeUserRoles(admin, ['owner'], ['owner'], noCustomRoles)).not.toThrow();
    authzErrorOf('role_unknown', () => assertCanChangeUserRoles(admin, ['viewer'], ['ghost'], noCustomRoles));
  });
});
