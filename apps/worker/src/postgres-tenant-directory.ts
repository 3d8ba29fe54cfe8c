import type { TenantIsolation } from '@warden/engine';
import { createDataSource, TenantRepository, type TenantEntity } from '@warden/persistence';
import type { DataSource } from 'typeorm';
import type { TenantDirectory, TenantRef } from './tenant-directory';

export interface OpenTenantDirectory extends TenantDirectory {
  /** The connection the directory reads with; the plugin host shares it. */
  dataSource: DataSource;
  close(): Promise<void>;
}

function toRef(tenant: TenantEntity): TenantRef {
  const isolation: TenantIsolation = tenant.isolation === 'dedicated' ? 'dedicated' : 'pooled';
  return { id: tenant.id, slug: tenant.slug, isolation, namespace: tenant.namespace };
}

/**
 * The tenants table as the worker's directory. The registry is not tenant data (no row-level
 * security): a worker reads it to decide which queues to poll, and nothing else.
 */
export async function openTenantDirectory(databaseUrl: string): Promise<OpenTenantDirectory> {
  const dataSource = await createDataSource(databaseUrl, { poolSize: 4 }).initialize();
  const tenants = new TenantRepository(dataSource);
  return {
    dataSource,
    listPooled: async () => (await tenants.listPooled()).map(toRef),
    findBySlug: async (slug) => {
      const tenant = await tenants.findBySlug(slug);
      return tenant === undefined ? undefined : toRef(tenant);
    },
    close: () => dataSource.destroy(),
  };
}
