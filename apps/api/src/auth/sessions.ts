import { Injectable } from '@nestjs/common';
import {
  AccessTokenService,
  IdentityError,
  RefreshTokenService,
  type AuthMethod,
  type Clock,
  type IdentityConfig,
  type RefreshTokenRecord,
  type RefreshTokenStore,
} from '@warden/identity';
import { locateRefreshToken, RefreshTokenRepository, type TenantScope } from '@warden/persistence';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';

/** The identity library's refresh-token store, bound to one tenant's rows. */
class TenantRefreshTokenStore implements RefreshTokenStore {
  constructor(
    private readonly repository: RefreshTokenRepository,
    private readonly scope: TenantScope,
  ) {}

  insert(record: RefreshTokenRecord): Promise<void> {
    return this.repository.insert(this.scope, record);
  }
  findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    return this.repository.findByHash(this.scope, tokenHash);
  }
  markUsed(id: string, at: Date): Promise<boolean> {
    return this.repository.markUsed(this.scope, id, at);
  }
  revokeFamily(familyId: string, at: Date): Promise<number> {
    return this.repository.revokeFamily(this.scope, familyId, at);
  }
}

export interface IssuedSession {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
  readonly sessionId: string;
}

/** Provided by AuthModule so that sessions use one clock and one configuration. */
export class IdentitySettings {
  constructor(
    readonly config: IdentityConfig,
    readonly clock: Clock,
  ) {}
}

/**
 * Sessions: a refresh-token family plus access tokens naming it (`sid`). Signing in starts one,
 * refreshing rotates it, signing out revokes it (and the guard then refuses its access tokens).
 */
@Injectable()
export class Sessions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly accessTokens: AccessTokenService,
    private readonly settings: IdentitySettings,
  ) {}

  async start(scope: TenantScope, userId: string, amr: readonly AuthMethod[]): Promise<IssuedSession> {
    const refresh = await this.serviceFor(scope).issue(userId, scope.tenantId, amr);
    return this.withAccessToken(scope, userId, refresh.familyId, refresh.token, refresh.amr);
  }

  /** Rotates a presented refresh token (IdentityError on unknown, expired, revoked or reused). */
  async refresh(presented: string): Promise<IssuedSession & { tenantId: string; userId: string }> {
    const hash = createHash('sha256').update(presented, 'utf8').digest('hex');
    const location = await locateRefreshToken(this.dataSource, hash);
    if (!location) throw new IdentityError('refresh_token_invalid', 'refresh token is not recognised');
    const scope = { tenantId: location.tenantId };
    const next = await this.serviceFor(scope).rotate(presented);
    const session = await this.withAccessToken(scope, next.userId, next.familyId, next.token, next.amr);
    return { ...session, tenantId: next.tenantId, userId: next.userId };
  }

  async end(scope: TenantScope, sessionId: string): Promise<void> {
    await this.serviceFor(scope).revokeFamily(sessionId);
  }

  private serviceFor(scope: TenantScope): RefreshTokenService {
    return new RefreshTokenService(
      new TenantRefreshTokenStore(this.refreshTokens, scope),
      this.settings.config,
      this.settings.clock,
    );
  }

  private async withAccessToken(
    scope: TenantScope,
    userId: string,
    sessionId: string,
    refreshToken: string,
    amr: readonly AuthMethod[],
  ): Promise<IssuedSession> {
    const access = await this.accessTokens.issue({ userId, tenantId: scope.tenantId, sessionId, amr });
    return { accessToken: access.token, refreshToken, expiresIn: access.expiresIn, sessionId };
  }
}
