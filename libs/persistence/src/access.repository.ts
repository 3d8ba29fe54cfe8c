import type { CustomRole, ResourceGrant } from '@warden/authz';
import type { DataSource } from 'typeorm';
import { isUuid } from './ids';
import { withTenant } from './tenant-db';
import type { TenantScope } from './tenant-scope';

/** What authorization needs about a user: read on every authenticated request. */
export interface UserAccessRow {
  readonly userId: string;
  readonly active: boolean;
  readonly roles: string[];
  readonly platformAdmin: boolean;
  readonly customRoles: CustomRole[];
  readonly grants: ResourceGrant[];
  /** False when the session (refresh-token family) was revoked or has expired. */
  readonly sessionActive: boolean;
}

export interface ApiKeyAccessRow {
  readonly apiKeyId: string;
  readonly hash: string;
  readonly prefix: string;
  readonly previousHash: string | null;
  readonly previousHashExpiresAt: Date | null;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly permissions: string[];
  /** The owner's access; the key's own grants are in `owner.grants` too (principal 'apikey'). */
  readonly owner: UserAccessRow;
}

// The tenant's custom roles and the principal's grants as JSON arrays, so the whole answer is
// one statement (row-level security limits every subquery to the tenant of the transaction).
const CUSTOM_ROLES_JSON = `(SELECT coalesce(json_agg(json_build_object(
    'key', r.key, 'name', r.name, 'extends', r.extends, 'add', r.add, 'remove', r.remove)), '[]')
  FROM custom_roles r)`;
const grantsJson = (
  principalType: string,
  idExpr: string,
): string => `(SELECT coalesce(json_agg(json_build_object(
    'permission', g.permission, 'resourceType', g.resource_type, 'resourceId', g.resource_id)), '[]')
  FROM grants g WHERE g.principal_type = '${principalType}' AND g.principal_id = ${idExpr})`;

interface UserAccessSql {
  id: string;
  status: string;
  roles: string[];
  platform_admin: boolean;
  custom_roles: CustomRoleJson[];
  grants: ResourceGrant[];
  session_active: boolean;
}

interface CustomRoleJson {
  key: string;
  name: string;
  extends: string | null;
  add: string[];
  remove: string[];
}

/**
 * The reads authentication makes on every request, each one statement in a tenant
 * transaction: the user (or API key and its owner), the tenant's custom roles, the grants, and
 * whether the session is still signed in.
 */
export class AccessRepository {
  constructor(private readonly dataSource: DataSource) {}

  async loadUser(
    scope: TenantScope,
    userId: string,
    sessionId: string | null,
  ): Promise<UserAccessRow | undefined> {
    if (!isUuid(userId) || (sessionId !== null && !isUuid(sessionId))) return undefined;
    return withTenant(this.dataSource, scope, async ({ manager }) => {
      const rows: UserAccessSql[] = await manager.query(
        `SELECT u.id, u.status, u.roles, u.platform_admin,
                ${CUSTOM_ROLES_JSON} AS custom_roles,
                ${grantsJson('user', 'u.id')} AS grants,
                ($2::uuid IS NULL OR EXISTS (
                  SELECT 1 FROM refresh_tokens t
                  WHERE t.family_id = $2::uuid AND t.user_id = u.id
                    AND t.revoked_at IS NULL AND t.family_expires_at > now())) AS session_active
           FROM users u WHERE u.id = $1`,
        [userId, sessionId],
      );
      const row = rows[0];
      return row === undefined ? undefined : toUserAccess(row);
    });
  }

  async loadApiKey(scope: TenantScope, apiKeyId: string): Promise<ApiKeyAccessRow | undefined> {
    if (!isUuid(apiKeyId)) return undefined;
    return withTenant(this.dataSource, scope, async ({ manager }) => {
      const rows: (UserAccessSql & {
        key_id: string;
        hash: string;
        prefix: string;
        previous_hash: string | null;
        previous_hash_expires_at: Date | null;
        expires_at: Date | null;
        revoked_at: Date | null;
        permissions: string[];
        key_grants: ResourceGrant[];
      })[] = await manager.query(
        `SELECT k.id AS key_id, k.hash, k.prefix, k.previous_hash, k.previous_hash_expires_at,
                k.expires_at, k.revoked_at, k.permissions,
                u.id, u.status, u.roles, u.platform_admin, true AS session_active,
                ${CUSTOM_ROLES_JSON} AS custom_roles,
                ${grantsJson('user', 'u.id')} AS grants,
                ${grantsJson('apikey', 'k.id')} AS key_grants
           FROM api_keys k JOIN users u ON u.id = k.owner_user_id
          WHERE k.id = $1`,
        [apiKeyId],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      const owner = toUserAccess(row);
      return {
        apiKeyId: row.key_id,
        hash: row.hash,
        prefix: row.prefix,
        previousHash: row.previous_hash,
        previousHashExpiresAt: row.previous_hash_expires_at,
        expiresAt: row.expires_at,
        revokedAt: row.revoked_at,
        permissions: row.permissions,
        owner: { ...owner, grants: [...owner.grants, ...row.key_grants] },
      };
    });
  }
}

function toUserAccess(row: UserAccessSql): UserAccessRow {
  return {
    userId: row.id,
    active: row.status === 'active',
    roles: row.roles,
    platformAdmin: row.platform_admin,
    customRoles: row.custom_roles.map((r) => ({
      key: r.key,
      name: r.name,
      ...(r.extends === null ? {} : { extends: r.extends }),
      add: r.add,
      remove: r.remove,
    })) as CustomRole[],
    grants: row.grants,
    sessionActive: row.session_active,
  };
}
