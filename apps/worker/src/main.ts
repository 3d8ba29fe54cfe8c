/**
 * The Warden worker process: runs the interpreter workflow and the step activities, either for
 * one tenant (its queue in its namespace) or for every pooled tenant (a queue each, one
 * namespace, tenants picked up as they come and go).
 *
 *   node -r @swc-node/register apps/worker/src/main.ts --tenant <slug>
 *   node -r @swc-node/register apps/worker/src/main.ts --pool shared
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import {
  createKeyProvider,
  describeCryptoConfig,
  KeyRing,
  loadCryptoConfig,
  tenantDataConverter,
} from '@warden/crypto';
import {
  bundleWardenWorkflows,
  describeTemporalTls,
  loadTemporalTlsConfig,
  type EngineLogger,
} from '@warden/engine';
import { DataKeyChangeListener, PostgresDataKeyStore } from '@warden/persistence';
import { SandboxManager, createFetchBroker, withFetchQuota } from '@warden/sandbox';
import { Registry } from 'prom-client';
import { ringKeyMaintenance } from './key-maintenance';
import { createJsonLogger } from './logger';
import { startMetricsServer } from './metrics-server';
import { createPluginHost } from './plugin-host';
import { openTenantDirectory } from './postgres-tenant-directory';
import { ringSecretFields } from './secret-fields';
import { servePool, serveTenant, type WorkerService } from './serve';
import { ringCredentialResolver } from './vault-credentials';
import { describeWorkerConfig, loadWorkerConfig, type WorkerConfig } from './worker.config';

/** A pool starts a Worker per tenant: bundle once here rather than once per tenant. */
async function workflowBundle(
  config: WorkerConfig,
  logger: EngineLogger,
): Promise<{ codePath: string; cleanup(): Promise<void> }> {
  if (config.workflowBundle !== undefined) {
    return { codePath: config.workflowBundle, cleanup: async () => undefined };
  }
  const dir = await mkdtemp(join(tmpdir(), 'warden-worker-'));
  const codePath = join(dir, 'workflow-bundle.js');
  logger.info('bundling the workflow code (set WARDEN_WORKFLOW_BUNDLE to skip)', { codePath });
  await bundleWardenWorkflows(codePath);
  return { codePath, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

async function main(): Promise<void> {
  const logger = createJsonLogger('worker');
  const config = loadWorkerConfig(process.argv.slice(2), process.env);
  const cryptoConfig = loadCryptoConfig(process.env);
  // Certificate files are read now: a bad one stops the boot with the variable's name.
  const temporalTls = loadTemporalTlsConfig(process.env);
  logger.info('worker starting', {
    ...describeWorkerConfig(config),
    ...describeCryptoConfig(cryptoConfig),
    temporalTls: describeTemporalTls(temporalTls),
    pid: process.pid,
  });
  // We handle signals ourselves so shutdown is logged; the SDK would otherwise do it silently.
  // The SDK's own warnings go through our (redacting) logger too: they can quote activity errors.
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger('WARN', (entry) =>
      (entry.level === 'ERROR' ? logger.error : logger.warn)(`temporal: ${entry.message}`, entry.meta),
    ),
  });

  const directory = await openTenantDirectory(config.databaseUrl);
  // One ring for the process: every tenant's worker shares its cache of unwrapped data keys.
  const ring = new KeyRing({
    provider: await createKeyProvider(cryptoConfig),
    store: new PostgresDataKeyStore(directory.dataSource),
    cacheTtlMs: cryptoConfig.dataKeyCacheTtlMs,
  });
  // A rotation or a destroy elsewhere reaches this cache at once, not after its TTL.
  const keyChanges = await DataKeyChangeListener.start(config.databaseUrl, {
    onChange: (tenantId) => ring.evict(tenantId),
    onError: (err) => logger.warn('data key announcements interrupted', { error: err.message }),
  });
  const bundle = await workflowBundle(config, logger);
  const connection = await NativeConnection.connect({ address: config.temporalAddress, tls: temporalTls });
  // Plugin code runs in per-tenant pools of sandbox processes, never in this process.
  const metrics = new Registry();
  // One vault reader for plugin slots and http steps: the same decryption, audit and masking.
  const vault = ringCredentialResolver(directory.dataSource, ring);
  const sandbox = new SandboxManager({
    // A step's bound credentials are decrypted here, on the host, only when its plugin fetches.
    broker: withFetchQuota(createFetchBroker({ credentials: vault })),
    logger,
    requireOsSandbox: config.requireOsSandbox,
    metrics,
  });
  const metricsServer =
    config.metricsPort === undefined
      ? undefined
      : await startMetricsServer(metrics, config.metricsPort, config.metricsHost);
  if (metricsServer) logger.info('metrics served', { url: metricsServer.url });
  // Boots the spare process now, so the first plugin step of any tenant does not wait for it.
  sandbox
    .prestart()
    .then(async () => logger.info('plugin sandbox ready', { layers: await sandbox.layers() }))
    .catch((err: unknown) =>
      logger.warn('plugin sandbox unavailable', { error: err instanceof Error ? err.message : String(err) }),
    );
  try {
    const plugins = createPluginHost({
      dataSource: directory.dataSource,
      sandbox,
      platformKeys: config.platformKeys,
    });
    const deps = {
      connection,
      directory,
      workflowBundle: { codePath: bundle.codePath },
      worker: {
        maxConcurrentActivityTaskExecutions: config.maxConcurrentActivities,
        plugins,
        secrets: ringSecretFields(ring),
        // An http step's credential is decrypted in its activity, on this tenant's worker.
        credentials: vault.forHttpSteps(),
        keys: ringKeyMaintenance(directory.dataSource, ring),
      },
      dataConverterFor: (tenantId: string) => tenantDataConverter(ring, tenantId),
      logger,
    };
    const service: WorkerService =
      config.mode.kind === 'tenant'
        ? await serveTenant(deps, config.mode.slug)
        : servePool(deps, config.namespace, config.tenantRefreshMs);

    // Ctrl-C followed by a supervisor's SIGTERM is common: only the first signal starts the
    // shutdown; later ones are logged.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (service.state() !== 'RUNNING') {
          logger.info('already shutting down', { signal, state: service.state() });
          return;
        }
        logger.info('shutting down', { signal });
        service.shutdown();
      });
    }
    await service.run();
  } finally {
    sandbox.close();
    await metricsServer?.close();
    await keyChanges.close();
    await connection.close();
    await directory.close();
    await bundle.cleanup();
  }
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  // Config mistakes (WorkerConfigError names the variable), unknown tenants and unreachable
  // servers: a message, no stack trace.
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`warden worker: ${message}\n`);
  process.exit(1);
});
