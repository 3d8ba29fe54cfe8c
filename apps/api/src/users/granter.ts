import { Injectable } from '@nestjs/common';
import { isPermissionName, type CustomRole, type Principal as AuthzPrincipal } from '@warden/authz';
import { ApiKeyRepository, CustomRoleRepository, type TenantScope } from '@warden/persistence';
import type { Principal } from '../http/request-context';

/** The caller as the anti-escalation checks see it, with the tenant's custom roles. */
export interface Granter {
  readonly principal: AuthzPrincipal;
  readonly customRoles: readonly CustomRole[];
}

/**
 * Builds the caller's authz principal for the anti-escalation checks. An API key passes on at
 * most its own permission list (`restrictTo`), however much its owner holds; resource grants
 * are left out because they let a caller use a permission, never pass it on.
 */
@Injectable()
export class GranterLoader {
  constructor(
    private readonly customRoles: CustomRoleRepository,
    private readonly apiKeys: ApiKeyRepository,
  ) {}

  async load(scope: TenantScope, caller: Principal): Promise<Granter> {
    const customRoles = await this.customRoles.list(scope);
    const restrictTo = caller.kind === 'api_key' ? await this.keyPermissions(scope, caller.id) : undefined;
    return {
      customRoles,
      principal: {
        tenantId: caller.tenantId,
        roles: caller.roles,
        customRoles,
        grants: [],
        platformAdmin: caller.platformAdmin,
        ...(restrictTo === undefined ? {} : { restrictTo }),
      },
    };
  }

  private async keyPermissions(scope: TenantScope, apiKeyId: string): Promise<AuthzPrincipal['restrictTo']> {
    const key = await this.apiKeys.findById(scope, apiKeyId);
    // A key that vanished mid-request passes on nothing.
    return (key?.permissions ?? []).filter(isPermissionName);
  }
}
