import { DataSource, type Logger } from 'typeorm';
import { ApiKeyEntity } from './entities/api-key.entity';
import { AuditEventEntity } from './entities/audit-event.entity';
import { CustomRoleEntity } from './entities/custom-role.entity';
import { GrantEntity } from './entities/grant.entity';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { RunEntity } from './entities/run.entity';
import { SigningKeyEntity } from './entities/signing-key.entity';
import { TenantEntity } from './entities/tenant.entity';
import { UserEntity } from './entities/user.entity';
import { WorkflowVersionEntity } from './entities/workflow-version.entity';
import { WorkflowEntity } from './entities/workflow.entity';
import { PluginBlobEntity } from './entities/plugin-blob.entity';
import { PluginPublisherKeyEntity } from './entities/plugin-publisher-key.entity';
import { PluginVersionEntity } from './entities/plugin-version.entity';
import { PluginEntity } from './entities/plugin.entity';
import { WorkflowPluginPinEntity } from './entities/workflow-plugin-pin.entity';
import { TenantDataKeyEntity } from './entities/tenant-data-key.entity';
import { CredentialEntity } from './entities/credential.entity';
import { CredentialVersionEntity } from './entities/credential-version.entity';
import { InitialSchema1732262400000 } from './migrations/1732262400000-initial-schema';
import { TenancyIdentityAudit1732348800000 } from './migrations/1732348800000-tenancy-identity-audit';
import { PluginRegistry1732435200000 } from './migrations/1732435200000-plugin-registry';
import { CredentialsVault1733097600000 } from './migrations/1733097600000-credentials-vault';
import { KeyRotation1733184000000 } from './migrations/1733184000000-key-rotation';

export const ENTITIES = [
  TenantEntity,
  WorkflowEntity,
  WorkflowVersionEntity,
  RunEntity,
  UserEntity,
  CustomRoleEntity,
  GrantEntity,
  ApiKeyEntity,
  RefreshTokenEntity,
  SigningKeyEntity,
  AuditEventEntity,
  PluginEntity,
  PluginVersionEntity,
  PluginBlobEntity,
  PluginPublisherKeyEntity,
  WorkflowPluginPinEntity,
  TenantDataKeyEntity,
  CredentialEntity,
  CredentialVersionEntity,
];

/** In order; a new migration is appended here and never edited afterwards. */
export const MIGRATIONS = [
  InitialSchema1732262400000,
  TenancyIdentityAudit1732348800000,
  PluginRegistry1732435200000,
  CredentialsVault1733097600000,
  KeyRotation1733184000000,
];

export interface DataSourceOptions {
  /** Connection pool size (default 10). */
  poolSize?: number;
  /** Receives every statement sent (diagnostics, round-trip counting); default: none. */
  logger?: Logger;
}

/**
 * A DataSource for Warden's schema, not yet initialized. The schema only ever changes through
 * MIGRATIONS: `synchronize` stays off, and a test fails when the entities drift from them.
 */
export function createDataSource(url: string, opts: DataSourceOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'warden_migrations',
    synchronize: false,
    migrationsRun: false,
    installExtensions: false,
    poolSize: opts.poolSize ?? 10,
    ...(opts.logger ? { logger: opts.logger, logging: true } : { logging: false }),
  });
}

/** Applies pending migrations in one transaction; returns the names applied. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = createDataSource(url, { poolSize: 1 });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/** `SELECT 1`: used by readiness checks; touches no tenant data. */
export async function pingDatabase(dataSource: DataSource): Promise<void> {
  await dataSource.query('SELECT 1');
}
