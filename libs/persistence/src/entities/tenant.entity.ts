import type { SecurityProfile } from '@warden/definition';
import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, Unique, UpdateDateColumn } from 'typeorm';

export const TENANT_ISOLATIONS = ['pooled', 'dedicated'] as const;
/** pooled: the shared Temporal namespace and worker pool; dedicated: a namespace and workers of its own. */
export type TenantIsolation = (typeof TENANT_ISOLATIONS)[number];

export interface TenantQuotas {
  concurrentRuns: number;
  runsPerMinute: number;
  apiRequestsPerMinute: number;
}

export const DEFAULT_TENANT_QUOTAS: TenantQuotas = {
  concurrentRuns: 100,
  runsPerMinute: 600,
  apiRequestsPerMinute: 6000,
};

/** What a tenant allows its plugins, on top of what each plugin's manifest declares. */
export interface TenantPluginPolicy {
  /** Refuse to run a plugin on a worker where bubblewrap cannot start (no unconfined fallback). */
  requireOsSandbox: boolean;
  /**
   * Hosts ctx.fetch may reach, intersected with each manifest's hosts: null leaves the manifest's
   * list as it is, [] takes the network away from every plugin of the tenant.
   */
  allowedHosts: string[] | null;
  /** ctx.fetch calls all the tenant's plugins may make per minute, counted per worker process. */
  fetchesPerMinute: number;
}

export const DEFAULT_TENANT_PLUGIN_POLICY: TenantPluginPolicy = {
  requireOsSandbox: false,
  allowedHosts: null,
  fetchesPerMinute: 600,
};

/**
 * The tenant registry. Not tenant-owned data (no row-level security): the API resolves a tenant
 * by slug at sign-in and workers list the pooled tenants before any tenant is in scope.
 */
@Entity({ name: 'tenants' })
@Unique('uq_tenants_slug', ['slug'])
@Check('ck_tenants_isolation', `"isolation" IN ('pooled', 'dedicated')`)
@Check('ck_tenants_max_profile', `"max_profile" IN ('plan_only', 'restricted', 'standard', 'elevated')`)
export class TenantEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_tenants' })
  id!: string;

  @Column({ type: 'text' })
  slug!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: 'pooled' })
  isolation!: TenantIsolation;

  /** The Temporal namespace: 'default' for pooled tenants, 'warden-<slug>' for dedicated ones. */
  @Column({ type: 'text', default: 'default' })
  namespace!: string;

  /** No workflow of this tenant may run above this security profile. */
  @Column({ name: 'max_profile', type: 'text', default: 'standard' })
  maxProfile!: SecurityProfile;

  @Column({ type: 'text', default: 'local' })
  region!: string;

  @Column({ type: 'jsonb', default: DEFAULT_TENANT_QUOTAS })
  quotas!: TenantQuotas;

  /** Role keys whose holders must use MFA to sign in. */
  @Column({ name: 'mfa_required_roles', type: 'text', array: true, default: () => `'{}'` })
  mfaRequiredRoles!: string[];

  @Column({ name: 'plugin_policy', type: 'jsonb', default: DEFAULT_TENANT_PLUGIN_POLICY })
  pluginPolicy!: TenantPluginPolicy;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
