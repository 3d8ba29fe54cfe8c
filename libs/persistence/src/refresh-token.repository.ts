import type { DataSource } from 'typeorm';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { isUuid } from './ids';
import { withTenant } from './tenant-db';
import type { TenantScope } from './tenant-scope';
import { locateRefreshToken } from './unscoped-lookups';

/** @warden/identity's AuthMethod values (see StoredRefreshToken). */
export type StoredAuthMethod = 'pwd' | 'otp' | 'recovery';

/**
 * @warden/identity's RefreshTokenRecord, field for field. Persistence (scope:shared) may not
 * import identity (scope:api); structural typing lets the two be used interchangeably, and the
 * API's type check fails if they ever drift apart.
 */
export interface StoredRefreshToken {
  readonly id: string;
  readonly familyId: string;
  readonly userId: string;
  readonly tenantId: string;
  readonly tokenHash: string;
  readonly amr: readonly StoredAuthMethod[];
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly familyExpiresAt: Date;
  readonly usedAt: Date | null;
  readonly revokedAt: Date | null;
}

/** @warden/identity's RefreshTokenStore, structurally. */
export interface RefreshTokenStoreShape {
  insert(record: StoredRefreshToken): Promise<void>;
  findByHash(tokenHash: string): Promise<StoredRefreshToken | undefined>;
  markUsed(id: string, at: Date): Promise<boolean>;
  revokeFamily(familyId: string, at: Date): Promise<number>;
}

/**
 * Refresh tokens of one tenant, and @warden/identity's RefreshTokenStore on top of them:
 * `storeFor(scope)` when the tenant is known (sign-in, sign-out), `storeForPresentedToken()` for
 * one rotate() call, which learns the tenant from the token itself.
 */
export class RefreshTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Fails on a duplicate id or token hash, and on a record of another tenant (row-level security). */
  async insert(scope: TenantScope, record: StoredRefreshToken): Promise<void> {
    await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.insert(RefreshTokenEntity, { ...record, amr: [...record.amr] }),
    );
  }

  async findByHash(scope: TenantScope, tokenHash: string): Promise<StoredRefreshToken | undefined> {
    const row = await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.findOneBy(RefreshTokenEntity, { tenantId: scope.tenantId, tokenHash }),
    );
    return row ? toRecord(row) : undefined;
  }

  /** Single use: of two concurrent callers exactly one gets true. */
  async markUsed(scope: TenantScope, id: string, at: Date): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows = await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.query(
        `UPDATE refresh_tokens SET used_at = $3
          WHERE tenant_id = $1 AND id = $2 AND used_at IS NULL AND revoked_at IS NULL
          RETURNING id`,
        [scope.tenantId, id, at],
      ),
    );
    // pg answers an UPDATE with [returned rows, affected count].
    return (rows as [unknown[], number])[1] === 1;
  }

  async revokeFamily(scope: TenantScope, familyId: string, at: Date): Promise<number> {
    if (!isUuid(familyId)) return 0;
    return withTenant(this.dataSource, scope, async ({ manager }) => {
      const result = await manager
        .createQueryBuilder()
        .update(RefreshTokenEntity)
        .set({ revokedAt: at })
        .where('tenant_id = :tenantId AND family_id = :familyId AND revoked_at IS NULL', {
          tenantId: scope.tenantId,
          familyId,
        })
        .execute();
      return result.affected ?? 0;
    });
  }

  storeFor(scope: TenantScope): RefreshTokenStoreShape {
    return {
      insert: (record) => this.insert(scope, record),
      findByHash: (tokenHash) => this.findByHash(scope, tokenHash),
      markUsed: (id, at) => this.markUsed(scope, id, at),
      revokeFamily: (familyId, at) => this.revokeFamily(scope, familyId, at),
    };
  }

  /**
   * A store for ONE RefreshTokenService.rotate() call (create one per request): its findByHash
   * finds the token's tenant through the unscoped lookup, and every later call stays in that
   * tenant. Calls before a successful findByHash are refused.
   */
  storeForPresentedToken(): RefreshTokenStoreShape {
    let scope: TenantScope | undefined;
    const known = (): TenantScope => {
      if (!scope) throw new Error('the token has not been looked up yet');
      return scope;
    };
    return {
      findByHash: async (tokenHash) => {
        const location = scope ? undefined : await locateRefreshToken(this.dataSource, tokenHash);
        if (location) scope = { tenantId: location.tenantId };
        return scope ? this.findByHash(scope, tokenHash) : undefined;
      },
      insert: async (record) => this.insert(known(), record),
      markUsed: async (id, at) => this.markUsed(known(), id, at),
      revokeFamily: async (familyId, at) => this.revokeFamily(known(), familyId, at),
    };
  }
}

function toRecord(row: RefreshTokenEntity): StoredRefreshToken {
  return {
    id: row.id,
    familyId: row.familyId,
    userId: row.userId,
    tenantId: row.tenantId,
    tokenHash: row.tokenHash,
    // Written only from identity's records, whose amr values it has already checked.
    amr: row.amr as StoredRefreshToken['amr'],
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    familyExpiresAt: row.familyExpiresAt,
    usedAt: row.usedAt,
    revokedAt: row.revokedAt,
  };
}
