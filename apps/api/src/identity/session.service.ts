import { Injectable } from '@nestjs/common';
import { effectivePermissions, PERMISSIONS } from '@warden/authz';
import { IdentityError } from '@warden/identity';
import { TenantRepository, UserRepository, withTenant } from '@warden/persistence';
import { DataSource } from 'typeorm';
import { Sessions } from '../auth/sessions';
import type { Principal } from '../http/request-context';
import type { Me, TokenPair } from './auth.dto';
import { CallerAuthority } from './caller-authority';
import { actorOf, recordEvent } from './identity-audit';
import { CredentialError } from './identity.errors';
import type { RequestOrigin } from './request-origin';

/** Refresh, sign-out and "who am I" for a signed-in session. */
@Injectable()
export class SessionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: Sessions,
    private readonly tenants: TenantRepository,
    private readonly users: UserRepository,
    private readonly authority: CallerAuthority,
  ) {}

  /**
   * Trades a refresh token for the next pair. A token presented a second time means two
   * parties hold it: the library has already revoked the whole session when we get the error,
   * and we record who and which session in the tenant's trail.
   */
  async refresh(presented: string, origin: RequestOrigin): Promise<TokenPair> {
    let next;
    try {
      next = await this.sessions.refresh(presented);
    } catch (err) {
      if (!(err instanceof IdentityError)) throw err;
      if (err.code === 'refresh_token_reused') {
        await this.auditReuse(err, origin);
        throw new CredentialError(
          'refresh_token_reused',
          'this refresh token was already used; the session is revoked',
        );
      }
      throw new CredentialError('refresh_token_invalid', `the refresh token was refused: ${err.message}`, {
        reason: err.code,
      });
    }
    const scope = { tenantId: next.tenantId };
    const user = await this.users.findById(scope, next.userId);
    await withTenant(this.dataSource, scope, async (tx) => {
      if (user?.status !== 'active') await this.sessions.end(tx, next.sessionId);
      await recordEvent(tx, origin, {
        actor: { type: 'user', id: next.userId },
        action: 'auth.refresh',
        target: { type: 'session', id: next.sessionId },
        outcome: user?.status === 'active' ? 'success' : 'denied',
      });
    });
    if (user?.status !== 'active') {
      throw new CredentialError('refresh_token_invalid', 'the account is disabled', {
        reason: 'user_inactive',
      });
    }
    return {
      accessToken: next.accessToken,
      refreshToken: next.refreshToken,
      expiresIn: next.expiresIn,
      tokenType: 'Bearer',
    };
  }

  /** Revokes the caller's session: its refresh tokens stop working and the guard refuses its access tokens. */
  async logout(principal: Principal, origin: RequestOrigin): Promise<void> {
    const sessionId = principal.sessionId;
    if (principal.kind !== 'user' || sessionId === null) throw sessionRequired();
    await withTenant(this.dataSource, { tenantId: principal.tenantId }, async (tx) => {
      await this.sessions.end(tx, sessionId);
      await recordEvent(tx, origin, {
        actor: actorOf(principal),
        action: 'auth.logout',
        target: { type: 'session', id: sessionId },
        outcome: 'success',
      });
    });
  }

  async me(principal: Principal): Promise<Me> {
    const scope = { tenantId: principal.tenantId };
    const [user, tenant, authority] = await Promise.all([
      this.users.findById(scope, principal.userId),
      this.tenants.findById(principal.tenantId),
      this.authority.of(principal),
    ]);
    if (!user || !tenant) throw new CredentialError('invalid_credentials', 'the caller no longer exists');
    const held = effectivePermissions(authority);
    return {
      kind: principal.kind,
      userId: user.id,
      apiKeyId: principal.kind === 'api_key' ? principal.id : null,
      email: user.email,
      displayName: user.displayName,
      tenant: { id: tenant.id, slug: tenant.slug },
      roles: [...user.roles],
      platformAdmin: user.platformAdmin,
      permissions: PERMISSIONS.filter((permission) => held.has(permission)),
      grants: authority.grants
        .filter((grant) => authority.restrictTo?.includes(grant.permission) ?? true)
        .map(({ permission, resourceType, resourceId }) => ({ permission, resourceType, resourceId })),
      mfaEnabled: user.mfaEnabled,
    };
  }

  private async auditReuse(err: IdentityError, origin: RequestOrigin): Promise<void> {
    const { tenantId, userId, familyId } = err.details;
    if (typeof tenantId !== 'string' || typeof userId !== 'string' || typeof familyId !== 'string') return;
    await withTenant(this.dataSource, { tenantId }, (tx) =>
      recordEvent(tx, origin, {
        actor: { type: 'user', id: userId },
        action: 'auth.refresh_reuse',
        target: { type: 'session', id: familyId },
        outcome: 'denied',
        details: { sessionRevoked: true },
      }),
    );
  }
}

/** For routes about a person's own sign-in (sign-out, MFA): an API key has none. */
export function sessionRequired(): CredentialError {
  return new CredentialError('session_required', 'this route is for a signed-in user, not an API key');
}
