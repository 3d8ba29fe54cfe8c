/**
 * @warden/persistence: Warden's PostgreSQL schema (TypeORM entities + hand-written migrations),
 * the application role, and tenant-scoped repositories under row-level security.
 *
 *   const { appUrl } = await prepareDatabase(ownerUrl); // migrations + role + grants, as the owner
 *   const ds = await createDataSource(appUrl).initialize(); // everything else, as the app role
 *   await new WorkflowRepository(ds).findById({ tenantId }, id);
 *
 * Every repository method takes a TenantScope first and runs in a tenant transaction
 * (`withTenant`), so PostgreSQL itself refuses other tenants' rows. To do several things
 * atomically, open one and pass it on: `withTenant(ds, scope, (tx) => runs.create(tx, ...))`.
 * Keys and secrets: PostgresDataKeyStore (the key ring's wrapped data keys) and
 * CredentialRepository (ciphertext only; credentialFieldContext says where it belongs).
 * Not tenant-scoped: TenantRepository (the registry), SigningKeyRepository (platform keys, their
 * private halves sealed under the master key; rewrapSigningKeys after a master key rotation), and
 * the one escape hatch, unscoped-lookups.ts (credential hash -> tenant).
 */
export type { TenantScope } from './tenant-scope';
export { withTenant, type TenantTransaction } from './tenant-db';
export {
  createDataSource,
  runMigrations,
  pingDatabase,
  ENTITIES,
  MIGRATIONS,
  type DataSourceOptions,
} from './data-source';
export {
  prepareDatabase,
  ensureAppRole,
  appDatabaseUrl,
  DEFAULT_APP_ROLE,
  type AppRoleOptions,
} from './app-role';
export {
  TenantEntity,
  TENANT_ISOLATIONS,
  DEFAULT_TENANT_QUOTAS,
  DEFAULT_TENANT_PLUGIN_POLICY,
  type TenantIsolation,
  type TenantPluginPolicy,
  type TenantQuotas,
} from './entities/tenant.entity';
export { WorkflowEntity } from './entities/workflow.entity';
export { WorkflowVersionEntity, SOURCE_FORMATS, type SourceFormat } from './entities/workflow-version.entity';
export { RunEntity, type RunErrorRecord } from './entities/run.entity';
export { UserEntity, USER_STATUSES, type UserStatus } from './entities/user.entity';
export { CustomRoleEntity } from './entities/custom-role.entity';
export { GrantEntity, GRANT_PRINCIPAL_TYPES, type GrantPrincipalType } from './entities/grant.entity';
export { ApiKeyEntity } from './entities/api-key.entity';
export { RefreshTokenEntity } from './entities/refresh-token.entity';
export { SigningKeyEntity } from './entities/signing-key.entity';
export { AuditEventEntity } from './entities/audit-event.entity';
export { PluginEntity } from './entities/plugin.entity';
export { PluginVersionEntity, PLUGIN_STATUSES, PLUGIN_LANGUAGES } from './entities/plugin-version.entity';
export { PluginBlobEntity } from './entities/plugin-blob.entity';
export { PluginPublisherKeyEntity } from './entities/plugin-publisher-key.entity';
export { WorkflowPluginPinEntity } from './entities/workflow-plugin-pin.entity';
export { TenantDataKeyEntity, DATA_KEY_STATES } from './entities/tenant-data-key.entity';
export { CredentialEntity, CREDENTIAL_TYPES, type CredentialType } from './entities/credential.entity';
export { CredentialVersionEntity } from './entities/credential-version.entity';
export {
  WorkflowRepository,
  sourceChecksum,
  workflowSecretContext,
  type NewWorkflowVersion,
  type WorkflowWithVersion,
  type WorkflowListFilter,
} from './workflow.repository';
export {
  RunRepository,
  TERMINAL_RUN_STATUSES,
  isTerminalRunStatus,
  type NewRun,
  type RunListFilter,
  type RunStatusUpdate,
} from './run.repository';
export {
  PluginRepository,
  pluginSourceSha256,
  type NewPluginVersion,
  type NewPluginPin,
  type NewPublisherKey,
  type PluginWithVersion,
  type PluginListing,
  type PluginListFilter,
  type PluginUsage,
  type LoadedPluginVersion,
} from './plugin.repository';
export {
  CredentialRepository,
  credentialFieldContext,
  type NewCredential,
  type SealedCredentialValue,
  type CredentialWithVersion,
  type CredentialListFilter,
  type CredentialUsage,
  type UsableCredential,
  type UsableCredentialVersion,
} from './credential.repository';
export { PostgresDataKeyStore } from './data-key.store';
export {
  EncryptedFieldRepository,
  ENCRYPTED_TABLES,
  isEncryptedTable,
  keyVersionSql,
  mfaSecretContext,
  type EncryptedRow,
  type EncryptedTable,
  type KeyVersionUsage,
  type StoredField,
} from './encrypted-fields';
export {
  announceDataKeyChange,
  DataKeyChangeListener,
  DATA_KEY_CHANNEL,
  type DataKeyChangeListenerOptions,
} from './data-key-events';
export {
  TenantRepository,
  tenantNamespace,
  type NewTenant,
  type TenantPolicyUpdate,
} from './tenant.repository';
export { UserRepository, type NewUser, type UserUpdate, type UserLockout } from './user.repository';
export { CustomRoleRepository } from './custom-role.repository';
export { GrantRepository, type GrantPrincipal, type NewGrant } from './grant.repository';
export { ApiKeyRepository, type NewApiKey, type ApiKeyCredentialUpdate } from './api-key.repository';
export {
  RefreshTokenRepository,
  type StoredRefreshToken,
  type StoredAuthMethod,
  type RefreshTokenStoreShape,
} from './refresh-token.repository';
export { SigningKeyRepository, rewrapSigningKeys, type StoredSigningKey } from './signing-key.repository';
export { locateApiKey, locateRefreshToken, type CredentialLocation } from './unscoped-lookups';
export { AccessRepository, type UserAccessRow, type ApiKeyAccessRow } from './access.repository';
export { PersistenceError, type PersistenceErrorCode } from './persistence.errors';
export { isUuid } from './ids';
