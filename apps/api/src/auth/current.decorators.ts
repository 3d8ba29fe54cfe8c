import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { WardenAbility } from '@warden/authz';
import type { TenantScope } from '@warden/persistence';
import type { Principal, WardenRequest } from '../http/request-context';
import { AuthError } from './auth.errors';

function identityOf(context: ExecutionContext): NonNullable<WardenRequest['warden']> {
  const identity = context.switchToHttp().getRequest<WardenRequest>().warden;
  // Only reachable if the guard did not run: a wiring bug, never a client mistake.
  if (!identity) throw new AuthError('missing_identity', 'no identity on the request');
  return identity;
}

/** The tenant the request acts in; pass it to every repository call. */
export const CurrentTenant = createParamDecorator(
  (_data: unknown, context: ExecutionContext): TenantScope => identityOf(context).tenant,
);

/** The caller (approvals record who decided; audit events name the actor). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => identityOf(context).principal,
);

/** The caller's CASL ability, for object-level checks in services (`canOn`). */
export const CurrentAbility = createParamDecorator(
  (_data: unknown, context: ExecutionContext): WardenAbility => identityOf(context).ability,
);
