import type { TenantIsolation } from '@warden/engine';

/** A tenant as the worker needs it: which queue (id), which namespace, pooled or not. */
export interface TenantRef {
  id: string;
  slug: string;
  isolation: TenantIsolation;
  /** The Temporal namespace the tenant's runs are started in. */
  namespace: string;
}

/**
 * Where the worker learns its tenants. Backed by the tenants table in production
 * (TenantRepository in @warden/persistence); tests pass an in-memory one.
 */
export interface TenantDirectory {
  /** Every tenant served by the shared pool. */
  listPooled(): Promise<TenantRef[]>;
  findBySlug(slug: string): Promise<TenantRef | undefined>;
}

/** `--tenant <slug>` names no tenant: the worker refuses to start rather than poll nothing. */
export class TenantNotFoundError extends Error {
  readonly code = 'tenant_not_found';

  constructor(readonly slug: string) {
    super(`--tenant: no tenant with slug '${slug}'`);
    this.name = 'TenantNotFoundError';
  }
}
