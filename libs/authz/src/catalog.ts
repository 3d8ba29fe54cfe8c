/**
 * The permission catalog: every permission Warden knows, as `resource:action` strings, and how
 * each maps onto a CASL action and subject. This list is the source of truth; roles, grants,
 * API keys and the docs table are all checked against it.
 */

export const PERMISSIONS = [
  'workflow:create',
  'workflow:read',
  'workflow:update',
  'workflow:delete',
  'workflow:execute',
  'workflow:approve',
  'run:read',
  'run:cancel',
  'run:approve',
  'run:reset',
  'plugin:create',
  'plugin:read',
  'plugin:update',
  'plugin:delete',
  'plugin:publish',
  'plugin:test',
  'plugin:trust',
  'credential:create',
  'credential:read-metadata',
  'credential:update',
  'credential:delete',
  'credential:use',
  'audit:read',
  'audit:export',
  'user:manage',
  'role:manage',
  'tenant:manage',
  'apikey:manage',
] as const;

export type PermissionName = (typeof PERMISSIONS)[number];

/** The resource part of a permission name: `workflow` in `workflow:execute`. */
export type ResourceName = PermissionName extends `${infer R}:${string}` ? R : never;

/** The action part of a permission name: `execute` in `workflow:execute`. */
export type PermissionAction = PermissionName extends `${string}:${infer A}` ? A : never;

export const CASL_SUBJECTS = [
  'Workflow',
  'Run',
  'Plugin',
  'Credential',
  'Audit',
  'User',
  'Role',
  'Tenant',
  'ApiKey',
] as const;

export type CaslSubject = (typeof CASL_SUBJECTS)[number];

export const RESOURCE_SUBJECTS: Readonly<Record<ResourceName, CaslSubject>> = {
  workflow: 'Workflow',
  run: 'Run',
  plugin: 'Plugin',
  credential: 'Credential',
  audit: 'Audit',
  user: 'User',
  role: 'Role',
  tenant: 'Tenant',
  apikey: 'ApiKey',
};

/**
 * In CASL the action `manage` means "every action" and the subject `all` means "every subject".
 * Our `*:manage` permissions mean "administer this one resource type", so they become the
 * non-reserved CASL action `administer`; no rule Warden builds ever uses `manage` or `all`.
 */
export const MANAGE_CASL_ACTION = 'administer';

export type CaslAction = Exclude<PermissionAction, 'manage'> | typeof MANAGE_CASL_ACTION;

export interface CaslPermission {
  readonly action: CaslAction;
  readonly subject: CaslSubject;
}

const KNOWN_PERMISSIONS: ReadonlySet<string> = new Set(PERMISSIONS);

export function isPermissionName(value: string): value is PermissionName {
  return KNOWN_PERMISSIONS.has(value);
}

function toCasl(permission: PermissionName): CaslPermission {
  const [resource, action] = permission.split(':') as [ResourceName, PermissionAction];
  return {
    action: action === 'manage' ? MANAGE_CASL_ACTION : action,
    subject: RESOURCE_SUBJECTS[resource],
  };
}

/** Computed once: checks run on every request and should not split strings. */
const CASL_PERMISSIONS: ReadonlyMap<PermissionName, CaslPermission> = new Map(
  PERMISSIONS.map((permission) => [permission, toCasl(permission)]),
);

/** The CASL action and subject a permission is checked as. */
export function caslPermission(permission: PermissionName): CaslPermission {
  const casl = CASL_PERMISSIONS.get(permission);
  // Only reachable when an unchecked string is cast to PermissionName.
  if (casl === undefined) throw new TypeError(`Unknown permission '${String(permission)}'`);
  return casl;
}
