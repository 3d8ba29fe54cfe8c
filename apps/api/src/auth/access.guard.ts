import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { canAny, canOn } from '@warden/authz';
import type { WardenRequest } from '../http/request-context';
import { AuthError } from './auth.errors';
import { ACCESS_TOKEN_STRATEGY, API_KEY_STRATEGY, type Authenticated } from './bearer.strategies';
import { ACCESS_METADATA, type RouteAccess } from './permissions';
import { RequestRateLimiter } from './request-quota';

/** Runs the passport strategies; turns "no strategy accepted the request" into our 401. */
class BearerAuthentication extends AuthGuard([ACCESS_TOKEN_STRATEGY, API_KEY_STRATEGY]) {
  override handleRequest<T>(err: unknown, user: T | false): T {
    if (err) throw err;
    if (!user) {
      throw new AuthError(
        'unauthenticated',
        'this route needs `Authorization: Bearer <access token or API key>`',
      );
    }
    return user;
  }
}

/**
 * The one global guard, in this order: the route must declare its access (default deny for
 * routes that forgot); public routes pass; otherwise the bearer token is authenticated, the
 * tenant's request quota counted, and the route's permission checked with the caller's CASL
 * ability, on the named resource when the route has one.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly authentication = new BearerAuthentication();

  constructor(
    private readonly reflector: Reflector,
    private readonly rateLimiter: RequestRateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.get<RouteAccess | undefined>(ACCESS_METADATA, context.getHandler());
    if (!access) {
      throw new AuthError(
        'permission_not_declared',
        `route ${context.getClass().name}.${context.getHandler().name} declares no permission`,
      );
    }
    if (access.kind === 'public') return true;

    await this.authentication.canActivate(context);
    const request = context.switchToHttp().getRequest<WardenRequest>();
    const { identity, quotas, mfaPending } = request.user as Authenticated;

    const quota = this.rateLimiter.take(identity.tenant.tenantId, quotas.apiRequestsPerMinute, Date.now());
    if (!quota.allowed) {
      throw new AuthError(
        'quota_exceeded',
        `this tenant may make ${quotas.apiRequestsPerMinute} API requests per minute`,
        {
          quota: 'apiRequestsPerMinute',
          limit: quotas.apiRequestsPerMinute,
          retryAfterSeconds: quota.retryAfterSeconds,
        },
      );
    }

    if (mfaPending && access.kind !== 'authenticated') {
      throw new AuthError(
        'mfa_required',
        'this tenant requires a second factor for your role: enroll TOTP, then sign in with it',
        {
          enroll: '/v1/auth/mfa/totp/enroll',
        },
      );
    }
    if (access.kind === 'authenticated') {
      request.warden = identity;
      return true;
    }
    if (access.platformAdmin === true && !identity.principal.platformAdmin) {
      throw new AuthError(
        'forbidden',
        `this needs the permission '${access.permission}' as a platform admin`,
        {
          permission: access.permission,
          platformAdmin: true,
        },
      );
    }
    const resourceId =
      access.resourceParam === undefined ? undefined : request.params?.[access.resourceParam];
    const allowed =
      resourceId === undefined
        ? canAny(identity.ability, access.permission)
        : canOn(identity.ability, access.permission, { tenantId: identity.tenant.tenantId, id: resourceId });
    if (!allowed) {
      throw new AuthError('forbidden', `this needs the permission '${access.permission}'`, {
        permission: access.permission,
      });
    }
    request.warden = identity;
    return true;
  }
}
