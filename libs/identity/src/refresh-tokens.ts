import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthMethod } from './auth-methods';
import { addSeconds, type Clock } from './clock';
import type { IdentityConfig } from './config';
import { IdentityError, type IdentityErrorCode } from './errors';
import { sha256Hex } from './hashing';

/** `wdr_` + 32 random bytes in base64url (43 characters). The prefix makes leaked tokens greppable. */
export const REFRESH_TOKEN_PREFIX = 'wdr_';
const REFRESH_TOKEN_PATTERN = /^wdr_[A-Za-z0-9_-]{43}$/;

/**
 * One refresh token. Tokens of one sign-in form a family (the session); each is used once and
 * replaced by the next. Only the SHA-256 of the token is stored.
 */
export interface RefreshTokenRecord {
  readonly id: string;
  readonly familyId: string;
  readonly userId: string;
  readonly tenantId: string;
  /** sha256 hex of the token; unique. */
  readonly tokenHash: string;
  /** How the session was authenticated, so refreshed access tokens keep saying so. */
  readonly amr: readonly AuthMethod[];
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** The family's absolute end; the same on every token of the family. */
  readonly familyExpiresAt: Date;
  readonly usedAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface RefreshTokenStore {
  /** Fails on a duplicate id or tokenHash (unique constraints). */
  insert(record: RefreshTokenRecord): Promise<void>;
  findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * Atomically sets usedAt if the token is neither used nor revoked, and says whether it did:
   * `UPDATE ... SET used_at = $at WHERE id = $id AND used_at IS NULL AND revoked_at IS NULL`,
   * true when one row changed. Of two concurrent callers exactly one gets true.
   */
  markUsed(id: string, at: Date): Promise<boolean>;
  /** Sets revokedAt on every not yet revoked token of the family; returns how many. */
  revokeFamily(familyId: string, at: Date): Promise<number>;
}

export interface IssuedRefreshToken {
  /** Shown to the client once; never stored. */
  readonly token: string;
  readonly familyId: string;
  readonly userId: string;
  readonly tenantId: string;
  readonly amr: readonly AuthMethod[];
  readonly expiresAt: Date;
}

export type RefreshTokenConfig = Pick<
  IdentityConfig,
  'refreshTokenTtlSeconds' | 'refreshFamilyLifetimeSeconds'
>;

export class RefreshTokenService {
  constructor(
    private readonly store: RefreshTokenStore,
    private readonly config: RefreshTokenConfig,
    private readonly clock: Clock,
  ) {}

  /** Starts a family at sign-in. Its id is the session id (`sid`) of the access tokens. */
  async issue(
    userId: string,
    tenantId: string,
    amr: readonly AuthMethod[] = [],
  ): Promise<IssuedRefreshToken> {
    const now = this.clock.now();
    const family = {
      familyId: randomUUID(),
      userId,
      tenantId,
      amr: [...amr],
      familyExpiresAt: addSeconds(now, this.config.refreshFamilyLifetimeSeconds),
    };
    const { token, record } = this.mint(family, now);
    await this.store.insert(record);
    return issued(token, record);
  }

  /**
   * Trades a token for its successor. A token presented twice means it was copied: the whole
   * family is revoked and `refresh_token_reused` thrown, with the family in `details` for the audit.
   */
  async rotate(presented: string): Promise<IssuedRefreshToken> {
    const now = this.clock.now();
    if (typeof presented !== 'string' || !REFRESH_TOKEN_PATTERN.test(presented)) {
      throw new IdentityError('refresh_token_invalid', 'refresh token is not recognised');
    }
    const current = await this.store.findByHash(sha256Hex(presented));
    if (!current) throw new IdentityError('refresh_token_invalid', 'refresh token is not recognised');
    if (current.revokedAt) throw refused('refresh_token_revoked', 'refresh token was revoked', current);
    if (current.usedAt) {
      await this.store.revokeFamily(current.familyId, now);
      throw refused('refresh_token_reused', 'refresh token was already used; session revoked', current);
    }
    if (now >= current.expiresAt || now >= current.familyExpiresAt) {
      throw refused('refresh_token_expired', 'refresh token has expired', current);
    }
    // The successor is stored before the claim on its predecessor. A concurrent loser revokes the
    // family only after its claim fails, which is after our insert, so it revokes our successor too.
    const next = this.mint(current, now);
    await this.store.insert(next.record);
    if (!(await this.store.markUsed(current.id, now))) {
      await this.store.revokeFamily(current.familyId, now);
      const latest = await this.store.findByHash(current.tokenHash);
      if (latest?.usedAt) {
        throw refused('refresh_token_reused', 'refresh token was already used; session revoked', current);
      }
      throw refused('refresh_token_revoked', 'refresh token was revoked', current);
    }
    return issued(next.token, next.record);
  }

  /** Sign-out: no token of the session refreshes any more. */
  async revokeFamily(familyId: string): Promise<void> {
    await this.store.revokeFamily(familyId, this.clock.now());
  }

  private mint(
    family: Pick<RefreshTokenRecord, 'familyId' | 'userId' | 'tenantId' | 'amr' | 'familyExpiresAt'>,
    now: Date,
  ): { token: string; record: RefreshTokenRecord } {
    const token = REFRESH_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const ttlEnd = addSeconds(now, this.config.refreshTokenTtlSeconds);
    const record: RefreshTokenRecord = {
      id: randomUUID(),
      familyId: family.familyId,
      userId: family.userId,
      tenantId: family.tenantId,
      tokenHash: sha256Hex(token),
      amr: [...family.amr],
      createdAt: now,
      expiresAt: ttlEnd < family.familyExpiresAt ? ttlEnd : family.familyExpiresAt,
      familyExpiresAt: family.familyExpiresAt,
      usedAt: null,
      revokedAt: null,
    };
    return { token, record };
  }
}

function issued(token: string, record: RefreshTokenRecord): IssuedRefreshToken {
  const { familyId, userId, tenantId, amr, expiresAt } = record;
  return { token, familyId, userId, tenantId, amr, expiresAt };
}

function refused(code: IdentityErrorCode, message: string, record: RefreshTokenRecord): IdentityError {
  const { familyId, userId, tenantId } = record;
  return new IdentityError(code, message, { familyId, userId, tenantId });
}
