import { randomUUID } from 'node:crypto';
import { IsNull, LessThan, type DataSource } from 'typeorm';
import { ApiKeyEntity } from './entities/api-key.entity';
import { isUuid } from './ids';
import { withTenant } from './tenant-db';
import type { TenantScope } from './tenant-scope';
import { locateApiKey } from './unscoped-lookups';

export interface NewApiKey {
  ownerUserId: string;
  name: string;
  /** From @warden/identity generateApiKey(): the secret itself is never stored. */
  hash: string;
  prefix: string;
  permissions: string[];
  expiresAt: Date | null;
}

/** The credential fields @warden/identity's rotateApiKey() returns (its ApiKeyCredentials). */
export interface ApiKeyCredentialUpdate {
  readonly hash: string;
  readonly prefix: string;
  readonly previousHash: string | null;
  readonly previousHashExpiresAt: Date | null;
}

/** last_used_at is for people reading a key list; writing it on every request would be waste. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** API keys of one tenant, plus the credential lookup that finds a key's tenant by its hash. */
export class ApiKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(scope: TenantScope, input: NewApiKey): Promise<ApiKeyEntity> {
    return withTenant(this.dataSource, scope, async ({ manager }) => {
      const key = manager.create(ApiKeyEntity, {
        id: randomUUID(),
        tenantId: scope.tenantId,
        ...input,
        previousHash: null,
        previousHashExpiresAt: null,
        revokedAt: null,
        lastUsedAt: null,
      });
      await manager.createQueryBuilder().insert().into(ApiKeyEntity).values(key).execute();
      return key;
    });
  }

  /**
   * The key a presented secret's hash names (current hash, or previous one within a rotation's
   * grace), in whichever tenant holds it: through the unscoped lookup, then read inside that
   * tenant. The caller still decides with identity's apiKeyMatches().
   */
  async findByHash(hash: string): Promise<ApiKeyEntity | undefined> {
    const location = await locateApiKey(this.dataSource, hash);
    return location && this.findById({ tenantId: location.tenantId }, location.id);
  }

  async findById(scope: TenantScope, id: string): Promise<ApiKeyEntity | undefined> {
    if (!isUuid(id)) return undefined;
    const found = await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.findOneBy(ApiKeyEntity, { tenantId: scope.tenantId, id }),
    );
    return found ?? undefined;
  }

  async listByOwner(scope: TenantScope, ownerUserId: string): Promise<ApiKeyEntity[]> {
    if (!isUuid(ownerUserId)) return [];
    return withTenant(this.dataSource, scope, ({ manager }) =>
      manager.find(ApiKeyEntity, {
        where: { tenantId: scope.tenantId, ownerUserId },
        order: { createdAt: 'DESC' },
      }),
    );
  }

  /** Stores the credentials identity's rotateApiKey() produced. False when the key is gone. */
  async saveCredentials(
    scope: TenantScope,
    id: string,
    credentials: ApiKeyCredentialUpdate,
  ): Promise<boolean> {
    if (!isUuid(id)) return false;
    const { hash, prefix, previousHash, previousHashExpiresAt } = credentials;
    return withTenant(this.dataSource, scope, async ({ manager }) => {
      const result = await manager.update(
        ApiKeyEntity,
        { tenantId: scope.tenantId, id, revokedAt: IsNull() },
        { hash, prefix, previousHash, previousHashExpiresAt },
      );
      return (result.affected ?? 0) > 0;
    });
  }

  async revoke(scope: TenantScope, id: string, at: Date): Promise<boolean> {
    if (!isUuid(id)) return false;
    return withTenant(this.dataSource, scope, async ({ manager }) => {
      const result = await manager.update(
        ApiKeyEntity,
        { tenantId: scope.tenantId, id, revokedAt: IsNull() },
        { revokedAt: at },
      );
      return (result.affected ?? 0) > 0;
    });
  }

  /** At most one write per key and minute. */
  async touch(scope: TenantScope, id: string, at: Date): Promise<void> {
    if (!isUuid(id)) return;
    const staleBefore = new Date(at.getTime() - LAST_USED_RESOLUTION_MS);
    await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.update(
        ApiKeyEntity,
        [
          { tenantId: scope.tenantId, id, lastUsedAt: IsNull() },
          { tenantId: scope.tenantId, id, lastUsedAt: LessThan(staleBefore) },
        ],
        { lastUsedAt: at },
      ),
    );
  }
}
