import { DEFAULT_TENANT_ID } from '@warden/engine';
import type { TenantScope } from '@warden/persistence';
import type { Principal } from '../http/request-context';

/** The only caller until authentication lands (issue 3): a local developer. */
export const LOCAL_PRINCIPAL: Principal = Object.freeze({ id: 'local-dev' });

export const DEFAULT_TENANT_SCOPE: TenantScope = Object.freeze({ tenantId: DEFAULT_TENANT_ID });

/** Who is calling and in which tenant. Issue 3 replaces this with token verification. */
export function resolveLocalIdentity(): { principal: Principal; tenant: TenantScope } {
  return { principal: LOCAL_PRINCIPAL, tenant: DEFAULT_TENANT_SCOPE };
}
