import { buildAbility, canAny, canOn, effectivePermissions } from './ability';
import { PERMISSIONS, type PermissionName } from './catalog';
import { BUILT_IN_ROLES } from './roles';
import { aCustomRole, aGrant, aPrincipal, authzErrorOf, OTHER_TENANT, TENANT } from './testing/builders';

const allowedOnOwnTenant = (roles: string[]): PermissionName[] => {
  const ability = buildAbility(aPrincipal({ roles }));
  return PERMISSIONS.filter((permission) => canOn(ability, permission, { tenantId: TENANT, id: 'x' }));
};

describe('buildAbility: roles', () => {
  it.each(Object.values(BUILT_IN_ROLES).map((role) => [role.key, role.permissions] as const))(
    'allows %s exactly its table row in its own tenant',
    (key, permissions) => {
      expect(allowedOnOwnTenant([key])).toEqual(PERMISSIONS.filter((p) => permissions.includes(p)));
    },
  );

  it('unions several roles', () => {
    expect(allowedOnOwnTenant(['viewer', 'auditor', 'operator']).sort()).toEqual(
      [...new Set([...BUILT_IN_ROLES.auditor.permissions, ...BUILT_IN_ROLES.operator.permissions])].sort(),
    );
  });

  it('denies everything to a principal without roles (default deny)', () => {
    const ability = buildAbility(aPrincipal());
    expect(PERMISSIONS.filter((p) => canAny(ability, p) || canOn(ability, p, { tenantId: TENANT }))).toEqual(
      [],
    );
  });

  it('resolves custom roles', () => {
    const role = aCustomRole({
      key: 'approver',
      extends: 'viewer',
      add: ['run:approve'],
      remove: ['plugin:read'],
    });
    const ability = buildAbility(aPrincipal({ roles: ['approver'], customRoles: [role] }));
    expect(canOn(ability, 'run:approve', { tenantId: TENANT, id: 'run-1' })).toBe(true);
    expect(canOn(ability, 'plugin:read', { tenantId: TENANT, id: 'plugin-1' })).toBe(false);
  });

  it('fails closed on an unknown role or an empty tenant', () => {
    authzErrorOf('role_unknown', () => buildAbility(aPrincipal({ roles: ['deleted-role'] })));
    authzErrorOf('principal_invalid', () => buildAbility(aPrincipal({ tenantId: '', roles: ['owner'] })));
  });
});

describe('buildAbility: tenant isolation', () => {
  const owner = buildAbility(aPrincipal({ roles: ['owner'] }));

  it.each(PERMISSIONS)("denies %s on another tenant's resource to an Owner", (permission) => {
    expect(canOn(owner, permission, { tenantId: TENANT, id: 'r-1' })).toBe(true);
    expect(canOn(owner, permission, { tenantId: OTHER_TENANT, id: 'r-1' })).toBe(false);
    expect(canOn(owner, permission, { tenantId: OTHER_TENANT })).toBe(false);
  });

  it('conditions every rule on the tenant', () => {
    const ability = buildAbility(aPrincipal({ roles: ['viewer'], grants: [aGrant('audit:read', 'a-1')] }));
    expect(ability.rules.some((rule) => rule.conditions?.id !== undefined)).toBe(true);
    expect(ability.rules.length).toBeGreaterThan(0);
    for (const rule of ability.rules) expect(rule.conditions).toMatchObject({ tenantId: TENANT });
  });

  it('gives a platform admin tenant:manage on every tenant and nothing else elsewhere', () => {
    const admin = buildAbility(aPrincipal({ roles: ['admin'], platformAdmin: true }));
    expect(canOn(admin, 'tenant:manage', { tenantId: OTHER_TENANT, id: OTHER_TENANT })).toBe(true);
    expect(canOn(admin, 'tenant:manage', { tenantId: TENANT })).toBe(true);
    const elsewhere = PERMISSIONS.filter((p) => canOn(admin, p, { tenantId: OTHER_TENANT, id: 'r-1' }));
    expect(elsewhere).toEqual(['tenant:manage']);
    expect(admin.rules.filter((rule) => rule.conditions === undefined)).toHaveLength(1);
  });
});

describe('buildAbility: resource grants', () => {
  const viewer = aPrincipal({ roles: ['viewer'], grants: [aGrant('workflow:execute', 'wf-1')] });
  const ability = buildAbility(viewer);

  it('allows the granted permission on that resource only', () => {
    expect(canOn(ability, 'workflow:execute', { tenantId: TENANT, id: 'wf-1' })).toBe(true);
    expect(canOn(ability, 'workflow:execute', { tenantId: TENANT, id: 'wf-2' })).toBe(false);
    expect(canOn(ability, 'workflow:execute', { tenantId: TENANT })).toBe(false);
  });

  it('does not follow the resource id into another tenant', () => {
    expect(canOn(ability, 'workflow:execute', { tenantId: OTHER_TENANT, id: 'wf-1' })).toBe(false);
  });

  it('grants no other action on the resource', () => {
    expect(canOn(ability, 'workflow:update', { tenantId: TENANT, id: 'wf-1' })).toBe(false);
    expect(canOn(ability, 'workflow:delete', { tenantId: TENANT, id: 'wf-1' })).toBe(false);
  });

  it('matches each of several grants of one permission', () => {
    const many = buildAbility(
      aPrincipal({ grants: ['wf-1', 'wf-2', 'wf-3'].map((id) => aGrant('workflow:delete', id)) }),
    );
    expect(
      ['wf-1', 'wf-2', 'wf-3', 'wf-4'].map((id) => canOn(many, 'workflow:delete', { tenantId: TENANT, id })),
    ).toEqual([true, true, true, false]);
  });

  it('lets canAny admit the route while canOn decides per resource', () => {
    expect(canAny(ability, 'workflow:execute')).toBe(true);
    expect(canAny(ability, 'workflow:delete')).toBe(false);
  });

  it('leaves grants out of effectivePermissions', () => {
    expect(effectivePermissions(viewer).has('workflow:execute')).toBe(false);
    expect(effectivePermissions(viewer)).toEqual(new Set(BUILT_IN_ROLES.viewer.permissions));
  });

  it('refuses a grant whose resource type does not fit its permission', () => {
    const wrong = { permission: 'workflow:execute', resourceType: 'Credential', resourceId: 'c-1' } as const;
    authzErrorOf('grant_invalid', () => buildAbility(aPrincipal({ grants: [wrong] })));
    authzErrorOf('grant_invalid', () => buildAbility(aPrincipal({ grants: [aGrant('run:read', '')] })));
    const unknown = {
      permission: 'workflow:manage' as PermissionName,
      resourceType: 'Workflow',
      resourceId: 'w',
    } as const;
    authzErrorOf('permission_unknown', () => buildAbility(aPrincipal({ grants: [unknown] })));
  });
});

describe("buildAbility: CASL's manage wildcard", () => {
  const userManager = aCustomRole({ key: 'user-manager', add: ['user:manage'] });
  const ability = buildAbility(aPrincipal({ roles: ['user-manager'], customRoles: [userManager] }));

  it('lets user:manage administer users', () => {
    expect(canOn(ability, 'user:manage', { tenantId: TENANT, id: 'u-1' })).toBe(true);
  });

  it.each(PERMISSIONS.filter((p) => p !== 'user:manage'))(
    'does not turn user:manage into %s',
    (permission) => {
      expect(canOn(ability, permission, { tenantId: TENANT, id: 'r-1' })).toBe(false);
      expect(canAny(ability, permission)).toBe(false);
    },
  );

  it('answers no to raw CASL wildcard questions', () => {
    const raw = ability as unknown as { can(action: string, subject: string): boolean };
    expect(raw.can('manage', 'User')).toBe(false);
    expect(raw.can('manage', 'all')).toBe(false);
    expect(raw.can('read', 'User')).toBe(false);
    expect(raw.can('administer', 'all')).toBe(false);
  });
});

describe('buildAbility: API keys (restrictTo)', () => {
  it("holds only the intersection of the key's list and its owner's permissions", () => {
    const key = aPrincipal({
      roles: ['developer'],
      restrictTo: ['workflow:read', 'workflow:execute', 'user:manage'],
    });
    expect(allowed(key)).toEqual(['workflow:read', 'workflow:execute']);
    expect(effectivePermissions(key)).toEqual(new Set(['workflow:read', 'workflow:execute']));
  });

  it('narrows grants and platform admin too', () => {
    const key = aPrincipal({
      roles: ['viewer'],
      grants: [aGrant('workflow:execute', 'wf-1'), aGrant('run:cancel', 'run-1')],
      platformAdmin: true,
      restrictTo: ['workflow:execute'],
    });
    const ability = buildAbility(key);
    expect(canOn(ability, 'workflow:execute', { tenantId: TENANT, id: 'wf-1' })).toBe(true);
    expect(canOn(ability, 'run:cancel', { tenantId: TENANT, id: 'run-1' })).toBe(false);
    expect(canOn(ability, 'workflow:read', { tenantId: TENANT, id: 'wf-1' })).toBe(false);
    expect(canOn(ability, 'tenant:manage', { tenantId: OTHER_TENANT })).toBe(false);
  });

  it('denies everything with an empty list, and refuses unknown permissions', () => {
    expect(allowed(aPrincipal({ roles: ['owner'], restrictTo: [] }))).toEqual([]);
    authzErrorOf('permission_unknown', () =>
      buildAbility(aPrincipal({ roles: ['owner'], restrictTo: ['everything' as PermissionName] })),
    );
  });
});

function allowed(principal: ReturnType<typeof aPrincipal>): PermissionName[] {
  const ability = buildAbility(principal);
  return PERMISSIONS.filter((permission) => canOn(ability, permission, { tenantId: TENANT, id: 'x' }));
}
