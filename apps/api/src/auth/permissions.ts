import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import type { PermissionName } from '@warden/authz';

/**
 * What a route requires. Every handler declares exactly one of these next to it: the global
 * AccessGuard refuses a route that declares nothing, and a test enumerates every route.
 */
export type RouteAccess =
  | {
      readonly kind: 'permission';
      readonly permission: PermissionName;
      readonly resourceParam?: string;
      /** Also needs a platform admin (operators of the installation), whatever the roles say. */
      readonly platformAdmin?: boolean;
    }
  | { readonly kind: 'authenticated'; readonly reason: string }
  | { readonly kind: 'public'; readonly reason: string };

export const ACCESS_METADATA = 'warden:access';

/** The OpenAPI security scheme name for bearer tokens (access tokens and API keys). */
export const BEARER_SCHEME = 'bearer';

/**
 * The route needs `permission` (from @warden/authz's catalog) in the caller's tenant. With
 * `resourceParam`, the check is on the one resource the route parameter names, so a
 * resource grant (a Viewer allowed to execute one workflow) counts for that resource only.
 * With `platformAdmin`, the caller must also be a platform admin: the tenant registry belongs
 * to the operators of the installation, and an Owner must not raise their own tenant's limits.
 */
export function RequirePermission(
  permission: PermissionName,
  opts: { resourceParam?: string; platformAdmin?: boolean } = {},
): MethodDecorator {
  const access: RouteAccess = {
    kind: 'permission',
    permission,
    ...(opts.resourceParam === undefined ? {} : { resourceParam: opts.resourceParam }),
    ...(opts.platformAdmin === true ? { platformAdmin: true } : {}),
  };
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, access),
    ApiBearerAuth(BEARER_SCHEME),
    ApiExtension('x-warden-permission', permission),
  );
}

/**
 * Any signed-in caller of any role, about themselves only (who am I, sign out, my MFA). Say
 * why no permission fits; the route must touch nothing but the caller's own records.
 */
export function Authenticated(reason: string): MethodDecorator {
  const access: RouteAccess = { kind: 'authenticated', reason };
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, access),
    ApiBearerAuth(BEARER_SCHEME),
    ApiExtension('x-warden-permission', 'authenticated'),
  );
}

/** The route needs no identity (health probes, sign-in, the public keys). Say why. */
export function Public(reason: string): MethodDecorator {
  const access: RouteAccess = { kind: 'public', reason };
  return applyDecorators(SetMetadata(ACCESS_METADATA, access), ApiExtension('x-warden-permission', 'public'));
}
