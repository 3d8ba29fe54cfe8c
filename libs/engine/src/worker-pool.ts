import type { NativeConnection, Worker } from '@temporalio/worker';
import type { EngineLogger } from './activity-contract';
import { taskQueueFor } from './shared';
import { createWardenWorker, type WardenWorkerOptions } from './worker';

export type TenantIsolation = 'pooled' | 'dedicated';

/** What the pool needs to know of a tenant; a tenant directory's entries fit this shape. */
export interface PoolTenant {
  id: string;
  slug: string;
  isolation: TenantIsolation;
}

export interface ServedTenant {
  id: string;
  slug: string;
  taskQueue: string;
}

/** Options every tenant's worker shares (the pool supplies connection, namespace, tenant, bundle). */
export type PoolWorkerOptions = Omit<
  WardenWorkerOptions,
  'connection' | 'namespace' | 'tenantId' | 'workflowBundle' | 'logger'
>;

export interface WorkerPoolOptions {
  /** One connection shared by every tenant's worker. */
  connection: NativeConnection;
  /** The pooled tenants' namespace. */
  namespace: string;
  /** Prebuilt (bundleWardenWorkflows): bundling once per tenant would cost seconds each. */
  workflowBundle: { codePath: string };
  /** Called at start and every refreshIntervalMs; entries that are not 'pooled' are ignored. */
  listTenants: () => Promise<readonly PoolTenant[]>;
  /** Default 10 s. */
  refreshIntervalMs?: number;
  worker?: PoolWorkerOptions;
  /**
   * Options of one tenant's worker on top of `worker` (its keys, its limits). Throwing fails
   * that tenant's start only: it is logged and tried again at the next refresh.
   */
  tenantWorkerOptions?: (tenant: PoolTenant) => Promise<PoolWorkerOptions>;
  logger: EngineLogger;
}

interface TenantWorker {
  tenant: PoolTenant;
  worker: Worker;
  /** worker.run(); settles once the worker has stopped (drained or failed). */
  running: Promise<void>;
}

/**
 * One Temporal Worker per pooled tenant's task queue, on one connection and one workflow
 * bundle. The tenant list is re-read every refreshIntervalMs: new tenants get a worker, tenants
 * that left (or became dedicated) are drained, without restarting the process. A tenant whose
 * worker cannot start or fails is logged and retried at the next refresh; the others go on.
 *
 *   const pool = new WorkerPool({ connection, namespace, workflowBundle, listTenants, logger });
 *   await pool.run(); // until pool.shutdown()
 */
export class WorkerPool {
  private readonly workers = new Map<string, TenantWorker>();
  private readonly refreshIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private started: Promise<void> | undefined;
  private stopping = false;
  private resolveStopped: () => void = () => undefined;
  private readonly stopped = new Promise<void>((resolve) => (this.resolveStopped = resolve));

  constructor(private readonly opts: WorkerPoolOptions) {
    this.refreshIntervalMs = opts.refreshIntervalMs ?? 10_000;
    if (!Number.isInteger(this.refreshIntervalMs) || this.refreshIntervalMs < 1) {
      throw new RangeError(`refreshIntervalMs must be a positive integer, got ${opts.refreshIntervalMs}`);
    }
  }

  /**
   * Starts the workers of the tenants listed now, then keeps following the list. Rejects only
   * when that first listing fails: a worker that cannot learn its tenants should not look healthy.
   * Calling it again returns the same promise.
   */
  start(): Promise<void> {
    this.started ??= this.refresh({ throwOnListFailure: true }).then(() => this.scheduleRefresh());
    return this.started;
  }

  /** start(), then resolves once shutdown() has drained every worker. */
  async run(): Promise<void> {
    await this.start();
    await this.stopped;
  }

  /** The tenants with a running worker, by slug. */
  servedTenants(): ServedTenant[] {
    return [...this.workers.values()]
      .filter((entry) => entry.worker.getState() === 'RUNNING')
      .map(({ tenant }) => ({ id: tenant.id, slug: tenant.slug, taskQueue: taskQueueFor(tenant.id) }))
      .sort((a, b) => a.slug.localeCompare(b.slug));
  }

  /** Stops following the list and drains every worker; safe to call more than once. */
  async shutdown(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      clearTimeout(this.timer);
      await this.refreshing;
      await Promise.all([...this.workers.keys()].map((id) => this.drain(id, 'pool shutting down')));
      this.resolveStopped();
    }
    await this.stopped;
  }

  private scheduleRefresh(): void {
    if (this.stopping) return;
    // A timeout chain rather than setInterval: a slow refresh never overlaps the next one.
    this.timer = setTimeout(() => {
      void this.refresh({ throwOnListFailure: false }).finally(() => this.scheduleRefresh());
    }, this.refreshIntervalMs);
  }

  private async refresh(opts: { throwOnListFailure: boolean }): Promise<void> {
    const work = this.reconcile(opts);
    this.refreshing = work.catch(() => undefined);
    try {
      await work;
    } finally {
      this.refreshing = undefined;
    }
  }

  private async reconcile({ throwOnListFailure }: { throwOnListFailure: boolean }): Promise<void> {
    let listed: readonly PoolTenant[];
    try {
      listed = await this.opts.listTenants();
    } catch (err) {
      if (throwOnListFailure) throw err;
      // A database blip must not drain every tenant: keep serving the last known list.
      this.opts.logger.warn('tenant list unavailable; keeping current workers', { error: errorText(err) });
      return;
    }
    const wanted = new Map(listed.filter((t) => t.isolation === 'pooled').map((t) => [t.id, t]));
    const leaving = [...this.workers.keys()].filter((id) => !wanted.has(id));
    await Promise.all(leaving.map((id) => this.drain(id, 'tenant no longer pooled')));
    for (const tenant of wanted.values()) {
      if (this.stopping) return;
      if (!this.workers.has(tenant.id)) await this.startWorker(tenant);
    }
  }

  private async startWorker(tenant: PoolTenant): Promise<void> {
    const { connection, namespace, workflowBundle, logger } = this.opts;
    const taskQueue = taskQueueFor(tenant.id);
    let worker: Worker;
    try {
      worker = await createWardenWorker({
        ...this.opts.worker,
        ...(await this.opts.tenantWorkerOptions?.(tenant)),
        connection,
        namespace,
        tenantId: tenant.id,
        workflowBundle,
        logger,
      });
    } catch (err) {
      logger.error('tenant worker failed to start; retrying at next refresh', {
        tenant: tenant.slug,
        taskQueue,
        error: errorText(err),
      });
      return;
    }
    const running = worker.run().then(
      () => undefined,
      (err: unknown) => {
        logger.error('tenant worker failed; restarting at next refresh', {
          tenant: tenant.slug,
          taskQueue,
          error: errorText(err),
        });
      },
    );
    const entry: TenantWorker = { tenant, worker, running };
    this.workers.set(tenant.id, entry);
    // Forget a worker once it stops, unless a newer one already took its place.
    void running.then(() => {
      if (this.workers.get(tenant.id) === entry) this.workers.delete(tenant.id);
    });
    logger.info('tenant worker polling', { tenant: tenant.slug, taskQueue, namespace });
  }

  private async drain(tenantId: string, reason: string): Promise<void> {
    const entry = this.workers.get(tenantId);
    if (!entry) return;
    if (entry.worker.getState() === 'RUNNING') entry.worker.shutdown();
    await entry.running;
    if (this.workers.get(tenantId) === entry) this.workers.delete(tenantId);
    this.opts.logger.info('tenant worker drained', {
      tenant: entry.tenant.slug,
      taskQueue: taskQueueFor(tenantId),
      reason,
    });
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
