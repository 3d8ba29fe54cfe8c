import { Injectable } from '@nestjs/common';
import { isPermissionName, type Principal as AuthzPrincipal, type PermissionName } from '@warden/authz';
import { AccessRepository } from '@warden/persistence';
import type { Principal } from '../http/request-context';
import { CredentialError } from './identity.errors';

/**
 * What the caller holds, in the form @warden/authz's anti-escalation checks take: the roles,
 * custom roles and grants of the user (or of the key's owner), narrowed to the key's
 * permissions when the caller is an API key. Read fresh, not from the request's ability, so a
 * role removed a second ago is not handed out again.
 */
@Injectable()
export class CallerAuthority {
  constructor(private readonly access: AccessRepository) {}

  async of(principal: Principal): Promise<AuthzPrincipal> {
    const scope = { tenantId: principal.tenantId };
    if (principal.kind === 'api_key') {
      const key = await this.access.loadApiKey(scope, principal.id);
      if (!key) throw gone();
      return {
        tenantId: principal.tenantId,
        roles: key.owner.roles,
        customRoles: key.owner.customRoles,
        grants: key.owner.grants,
        platformAdmin: key.owner.platformAdmin,
        restrictTo: knownPermissions(key.permissions),
      };
    }
    const user = await this.access.loadUser(scope, principal.userId, null);
    if (!user) throw gone();
    return {
      tenantId: principal.tenantId,
      roles: user.roles,
      customRoles: user.customRoles,
      grants: user.grants,
      platformAdmin: user.platformAdmin,
    };
  }
}

/** Keys store permission names as text; anything not in the catalog today is dropped, never widened. */
export function knownPermissions(values: readonly string[]): PermissionName[] {
  return values.filter(isPermissionName);
}

function gone(): CredentialError {
  // The guard accepted the caller moments ago; it was deleted in between.
  return new CredentialError('invalid_credentials', 'the caller no longer exists');
}
