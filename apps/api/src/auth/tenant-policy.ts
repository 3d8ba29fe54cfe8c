import { Injectable } from '@nestjs/common';
import type { SecurityProfile } from '@warden/definition';
import { TenantRepository } from '@warden/persistence';
import type { TenantQuotas } from './identity-directory';

/** What every request needs to know about its tenant. */
export interface TenantPolicy {
  readonly quotas: TenantQuotas;
  /** Roles whose sessions must have passed a second factor (TOTP or a recovery code). */
  readonly mfaRequiredRoles: readonly string[];
  /** The most privileged security profile this tenant's runs may get. */
  readonly maxProfile: SecurityProfile;
}

/** Policies change rarely and are read on every request: kept this long in memory. */
const TENANT_CACHE_MS = 10_000;

/** A tenant's quotas and MFA policy, cached briefly (a platform admin's change applies within 10 s). */
@Injectable()
export class TenantPolicyCache {
  private readonly cache = new Map<string, { value: TenantPolicy; until: number }>();

  constructor(private readonly tenants: TenantRepository) {}

  /** Undefined when no such tenant exists. */
  async get(tenantId: string): Promise<TenantPolicy | undefined> {
    const now = Date.now();
    const cached = this.cache.get(tenantId);
    if (cached && cached.until > now) return cached.value;
    const tenant = await this.tenants.findById(tenantId);
    if (!tenant) return undefined;
    const policy: TenantPolicy = {
      quotas: tenant.quotas,
      mfaRequiredRoles: tenant.mfaRequiredRoles,
      maxProfile: tenant.maxProfile,
    };
    this.cache.set(tenantId, { value: policy, until: now + TENANT_CACHE_MS });
    return policy;
  }
}
