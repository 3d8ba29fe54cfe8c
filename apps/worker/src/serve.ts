import type { DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import {
  createWardenWorker,
  taskQueueFor,
  WorkerPool,
  type EngineLogger,
  type PoolWorkerOptions,
} from '@warden/engine';
import { TenantNotFoundError, type TenantDirectory, type TenantRef } from './tenant-directory';

/** What main runs and stops: one tenant's worker or the shared pool. */
export interface WorkerService {
  /** Resolves once the service has stopped (after shutdown(), or on a fatal error). */
  run(): Promise<void>;
  /** Starts a graceful drain; later calls are no-ops. */
  shutdown(): void;
  /** For the logs, e.g. 'RUNNING' or 'DRAINING'. */
  state(): string;
}

export interface ServeDeps {
  connection: NativeConnection;
  directory: TenantDirectory;
  workflowBundle: { codePath: string };
  worker: PoolWorkerOptions;
  /** The tenant's data converter: its workers encrypt every payload with the tenant's key. */
  dataConverterFor: (tenantId: string) => DataConverter;
  logger: EngineLogger;
}

/** Where one tenant's runs are: its own namespace when dedicated, the tenant's recorded one otherwise. */
export async function resolveTenant(directory: TenantDirectory, slug: string): Promise<TenantRef> {
  const tenant = await directory.findBySlug(slug);
  if (tenant === undefined) throw new TenantNotFoundError(slug);
  return tenant;
}

/** --tenant <slug>: one Temporal Worker on that tenant's queue in that tenant's namespace. */
export async function serveTenant(deps: ServeDeps, slug: string): Promise<WorkerService> {
  const tenant = await resolveTenant(deps.directory, slug);
  const worker = await createWardenWorker({
    ...deps.worker,
    connection: deps.connection,
    namespace: tenant.namespace,
    tenantId: tenant.id,
    workflowBundle: deps.workflowBundle,
    dataConverter: deps.dataConverterFor(tenant.id),
    logger: deps.logger,
  });
  deps.logger.info('worker polling', {
    tenant: tenant.slug,
    isolation: tenant.isolation,
    taskQueue: taskQueueFor(tenant.id),
    namespace: tenant.namespace,
  });
  return {
    run: () => worker.run(),
    shutdown: () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    },
    state: () => worker.getState(),
  };
}

/** --pool shared: a Temporal Worker per pooled tenant, following the directory as it changes. */
export function servePool(deps: ServeDeps, namespace: string, refreshIntervalMs: number): WorkerService {
  const pool = new WorkerPool({
    connection: deps.connection,
    namespace,
    workflowBundle: deps.workflowBundle,
    listTenants: () => deps.directory.listPooled(),
    refreshIntervalMs,
    worker: deps.worker,
    tenantWorkerOptions: (tenant) => Promise.resolve({ dataConverter: deps.dataConverterFor(tenant.id) }),
    logger: deps.logger,
  });
  let stopping: Promise<void> | undefined;
  return {
    async run() {
      await pool.start();
      // The pool logs each tenant as it starts; this line says what the process serves as a whole.
      deps.logger.info('worker polling', {
        pool: 'shared',
        namespace,
        taskQueues: pool.servedTenants().map((t) => t.taskQueue),
        refreshIntervalMs,
      });
      await pool.run();
    },
    shutdown() {
      stopping ??= pool.shutdown();
    },
    state: () => (stopping === undefined ? 'RUNNING' : 'DRAINING'),
  };
}
