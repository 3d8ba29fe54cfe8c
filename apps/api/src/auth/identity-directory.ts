import type { CustomRole, PermissionName, ResourceGrant } from '@warden/authz';
import type { ApiKeyCredentials } from '@warden/identity';

/** A tenant's limits, read with every authenticated request (see request-quota.ts). */
export interface TenantQuotas {
  readonly concurrentRuns: number;
  readonly runsPerMinute: number;
  readonly apiRequestsPerMinute: number;
}

/** What authorization needs to know about a user, loaded in the user's tenant. */
export interface UserAccessRecord {
  readonly userId: string;
  readonly tenantId: string;
  readonly active: boolean;
  readonly roles: readonly string[];
  readonly platformAdmin: boolean;
  readonly customRoles: readonly CustomRole[];
  readonly grants: readonly ResourceGrant[];
  readonly quotas: TenantQuotas;
  /** The tenant requires a second factor for one of this user's roles. */
  readonly mfaRequired: boolean;
}

/** An API key found by the hash of the presented secret, with its owner's access. */
export interface ApiKeyAccessRecord {
  readonly apiKeyId: string;
  readonly credentials: ApiKeyCredentials;
  readonly permissions: readonly PermissionName[];
  readonly owner: UserAccessRecord;
}

/**
 * The lookups authentication makes on every request, behind one port so the guard and the
 * strategies are independent of the tables (PostgresIdentityDirectory implements it).
 */
export abstract class IdentityDirectory {
  /** The user in that tenant; `sessionActive` is false when the session was signed out. */
  abstract loadUser(
    tenantId: string,
    userId: string,
    sessionId: string | null,
  ): Promise<{ access: UserAccessRecord; sessionActive: boolean } | undefined>;

  /** The key whose current or previous (still in grace) secret hashes to `hash`. */
  abstract loadApiKey(hash: string): Promise<ApiKeyAccessRecord | undefined>;

  /** Records that a key was used (best effort, off the response path). */
  abstract touchApiKey(tenantId: string, apiKeyId: string, at: Date): Promise<void>;
}
