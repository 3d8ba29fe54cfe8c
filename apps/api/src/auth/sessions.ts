import { Injectable } from '@nestjs/common';
import {
  AccessTokenService,
  RefreshTokenService,
  type AuthMethod,
  type Clock,
  type IdentityConfig,
} from '@warden/identity';
import { RefreshTokenRepository, type TenantScope } from '@warden/persistence';

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
    // The store finds the token's tenant from its hash (the one unscoped lookup), then stays there.
    const service = new RefreshTokenService(
      this.refreshTokens.storeForPresentedToken(),
      this.settings.config,
      this.settings.clock,
    );
    const next = await service.rotate(presented);
    const session = await this.withAccessToken(
      { tenantId: next.tenantId },
      next.userId,
      next.familyId,
      next.token,
      next.amr,
    );
    return { ...session, tenantId: next.tenantId, userId: next.userId };
  }

  async end(scope: TenantScope, sessionId: string): Promise<void> {
    await this.serviceFor(scope).revokeFamily(sessionId);
  }

  private serviceFor(scope: TenantScope): RefreshTokenService {
    return new RefreshTokenService(
      this.refreshTokens.storeFor(scope),
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
