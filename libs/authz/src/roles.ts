/**
 * The built-in roles, least privilege first. Each is a plain permission list so the table in
 * docs/permissions.md can be rendered from it (and a test checks that it is).
 */
import { PERMISSIONS, type PermissionName } from './catalog';

export const BUILT_IN_ROLE_KEYS = ['owner', 'admin', 'developer', 'operator', 'viewer', 'auditor'] as const;

export type BuiltInRoleKey = (typeof BUILT_IN_ROLE_KEYS)[number];

export interface BuiltInRole {
  readonly key: BuiltInRoleKey;
  readonly name: string;
  readonly description: string;
  readonly permissions: readonly PermissionName[];
}

const VIEWER_READS: readonly PermissionName[] = [
  'workflow:read',
  'run:read',
  'plugin:read',
  'credential:read-metadata',
];

/** Tenant lifecycle and the audit trail stay with Owners (and Auditors for the trail). */
const OWNER_ONLY: readonly PermissionName[] = ['tenant:manage', 'audit:read', 'audit:export'];

export const BUILT_IN_ROLES: Readonly<Record<BuiltInRoleKey, BuiltInRole>> = {
  owner: {
    key: 'owner',
    name: 'Owner',
    description: 'Everything in the tenant, including the tenant itself and its audit trail.',
    permissions: PERMISSIONS,
  },
  admin: {
    key: 'admin',
    name: 'Admin',
    description: 'Everything except the tenant itself and the audit trail.',
    permissions: PERMISSIONS.filter((permission) => !OWNER_ONLY.includes(permission)),
  },
  developer: {
    key: 'developer',
    name: 'Developer',
    description: 'Authors workflows, plugins and credentials and runs them; approves nothing.',
    permissions: [
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
    ],
  },
  operator: {
    key: 'operator',
    name: 'Operator',
    description: 'Runs, approves and repairs existing workflows; authors nothing.',
    permissions: [
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
    ],
  },
  viewer: {
    key: 'viewer',
    name: 'Viewer',
    description: 'Reads workflows, runs, plugins and credential metadata.',
    permissions: VIEWER_READS,
  },
  auditor: {
    key: 'auditor',
    name: 'Auditor',
    description: 'Reads and exports the audit trail, plus what a Viewer reads.',
    permissions: [...VIEWER_READS, 'audit:read', 'audit:export'],
  },
};

const BUILT_IN_KEYS: ReadonlySet<string> = new Set(BUILT_IN_ROLE_KEYS);

export function isBuiltInRoleKey(key: string): key is BuiltInRoleKey {
  return BUILT_IN_KEYS.has(key);
}
