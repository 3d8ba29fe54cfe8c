import { Injectable } from '@nestjs/common';
import { AccessRepository, ApiKeyRepository, locateApiKey, type UserAccessRow } from '@warden/persistence';
import { DataSource } from 'typeorm';
import { TenantPolicyCache, type TenantPolicy } from './tenant-policy';
import { IdentityDirectory, type ApiKeyAccessRecord, type UserAccessRecord } from './identity-directory';

/** IdentityDirectory on PostgreSQL: one statement per lookup, under the tenant's row-level security. */
@Injectable()
export class PostgresIdentityDirectory extends IdentityDirectory {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: AccessRepository,
    private readonly policies: TenantPolicyCache,
    private readonly apiKeys: ApiKeyRepository,
  ) {
    super();
  }

  async loadUser(
    tenantId: string,
    userId: string,
    sessionId: string | null,
  ): Promise<{ access: UserAccessRecord; sessionActive: boolean } | undefined> {
    const policy = await this.policies.get(tenantId);
    if (!policy) return undefined;
    const row = await this.access.loadUser({ tenantId }, userId, sessionId);
    if (!row) return undefined;
    return { access: toRecord(tenantId, row, policy), sessionActive: row.sessionActive };
  }

  async loadApiKey(hash: string): Promise<ApiKeyAccessRecord | undefined> {
    const location = await locateApiKey(this.dataSource, hash);
    if (!location) return undefined;
    const policy = await this.policies.get(location.tenantId);
    if (!policy) return undefined;
    const row = await this.access.loadApiKey({ tenantId: location.tenantId }, location.id);
    if (!row) return undefined;
    return {
      apiKeyId: row.apiKeyId,
      credentials: {
        hash: row.hash,
        prefix: row.prefix,
        previousHash: row.previousHash,
        previousHashExpiresAt: row.previousHashExpiresAt,
        expiresAt: row.expiresAt,
        revokedAt: row.revokedAt,
      },
      permissions: row.permissions as ApiKeyAccessRecord['permissions'],
      owner: toRecord(location.tenantId, row.owner, policy),
    };
  }

  async touchApiKey(tenantId: string, apiKeyId: string, at: Date): Promise<void> {
    await this.apiKeys.touch({ tenantId }, apiKeyId, at);
  }
}

function toRecord(tenantId: string, row: UserAccessRow, policy: TenantPolicy): UserAccessRecord {
  return {
    userId: row.userId,
    tenantId,
    active: row.active,
    roles: row.roles,
    platformAdmin: row.platformAdmin,
    customRoles: row.customRoles,
    grants: row.grants,
    quotas: policy.quotas,
    mfaRequired: policy.mfaRequiredRoles.some((role) => row.roles.includes(role)),
  };
}
