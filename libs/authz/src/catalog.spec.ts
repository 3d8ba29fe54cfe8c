import { CASL_SUBJECTS, caslPermission, isPermissionName, PERMISSIONS, type PermissionName } from './catalog';

describe('permission catalog', () => {
  it('lists exactly the resources and actions of the permission model', () => {
    const byResource: Record<string, string[]> = {};
    for (const permission of PERMISSIONS) {
      const [resource, action] = permission.split(':') as [string, string];
      (byResource[resource] ??= []).push(action);
    }
    expect(byResource).toEqual({
      workflow: ['create', 'read', 'update', 'delete', 'execute', 'approve'],
      run: ['read', 'cancel', 'approve', 'reset'],
      plugin: ['create', 'read', 'update', 'delete', 'publish', 'test', 'trust'],
      credential: ['create', 'read-metadata', 'update', 'delete', 'use'],
      audit: ['read', 'export'],
      user: ['manage'],
      role: ['manage'],
      tenant: ['manage'],
      apikey: ['manage'],
    });
  });

  it.each([
    ['workflow:execute', 'execute', 'Workflow'],
    ['run:reset', 'reset', 'Run'],
    ['credential:read-metadata', 'read-metadata', 'Credential'],
    ['apikey:manage', 'administer', 'ApiKey'],
    ['user:manage', 'administer', 'User'],
  ] as const)('checks %s as CASL (%s, %s)', (permission, action, subject) => {
    expect(caslPermission(permission)).toEqual({ action, subject });
  });

  it("never produces CASL's wildcard action or subject", () => {
    for (const permission of PERMISSIONS) {
      const { action, subject } = caslPermission(permission);
      expect(action).not.toBe('manage');
      expect(subject).not.toBe('all');
      expect(CASL_SUBJECTS).toContain(subject);
    }
  });

  it('tells catalog permissions from other strings', () => {
    expect(isPermissionName('workflow:read')).toBe(true);
    expect(isPermissionName('workflow:manage')).toBe(false);
    expect(isPermissionName('manage')).toBe(false);
    expect(() => caslPermission('all:manage' as PermissionName)).toThrow(TypeError);
  });
});
