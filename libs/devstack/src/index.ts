/**
 * @warden/devstack: the local stack on real components. Finds (or builds) the Temporal CLI,
 * runs the Temporal dev server and an embedded PostgreSQL, and gives tests a fresh database.
 *
 *   const temporal = await startTemporalDevServer({ dataDir: '.warden/data/temporal', ui: true });
 *   const postgres = await startPostgres({ dataDir: '.warden/data/postgres' });
 */
export { DevstackError, type DevstackErrorCode } from './errors';
export { freePort, isPortFree, preferredOrFreePort } from './ports';
export {
  TEMPORAL_CLI_VERSION,
  TEMPORAL_CLI_GO_PACKAGE,
  resolveTemporalCli,
  describeTemporalCli,
  temporalCliCachePath,
  wardenCacheDir,
  type ResolvedTemporalCli,
  type ResolveTemporalCliOptions,
  type TemporalCliSource,
} from './temporal-cli';
export {
  startTemporalDevServer,
  startDevArgs,
  DEV_SERVER_DYNAMIC_CONFIG,
  type TemporalDevServer,
  type TemporalDevServerOptions,
} from './temporal-server';
export { startPostgres, type PostgresServer, type StartPostgresOptions } from './postgres';
export { createTestDatabase, type TestDatabase, type CreateTestDatabaseOptions } from './test-database';
export { type ExitInfo } from './child-process';
export {
  startDevStack,
  DEFAULT_DEV_PORTS,
  type DevStack,
  type DevStackOptions,
  type DevStackPorts,
  type ServiceContext,
  type ServiceSpec,
} from './dev-stack';
export { formatStackSummary, redactUrl, exampleCommand, type StackSummary } from './summary';
export {
  ensureBubblewrap,
  ensureIsolatedVm,
  bubblewrapWorks,
  BWRAP_PATH,
  type IsolatedVmLocation,
} from './sandbox-tools';
export {
  LOCAL_KMS_VERSION,
  LOCAL_KMS_GO_MODULE,
  LOCAL_KMS_KEY_ID,
  LOCAL_KMS_KEY_ALIAS,
  ensureLocalKms,
  localKmsCachePath,
  localKmsEnv,
  localKmsSeedYaml,
  startLocalKms,
  type EnsureLocalKmsOptions,
  type LocalKms,
  type LocalKmsKey,
  type LocalKmsOptions,
} from './local-kms';
export { ensureNodeRuntime, nodeBinaryPackage, nodeRuntimePath } from './node-runtime';
