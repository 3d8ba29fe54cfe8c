import type { Registry } from 'prom-client';
import { maskSecrets } from '../broker';
import {
  SandboxFailure,
  type CapabilityBroker,
  type SandboxJob,
  type SandboxLimits,
  type SandboxResult,
} from '../contract';
import { effectiveLimits, PLATFORM_LIMIT_CAPS, DEFAULT_SANDBOX_LIMITS } from '../limits';
import { childBundlePath, isolatedVmNativePath } from './bundle';
import { createLauncher, type Launcher } from './launcher';
import type { SandboxLogger } from './logger';
import { sandboxMetrics, type SandboxMetrics } from './metrics';
import { OutputValidator } from './output';
import { SandboxPool, type SandboxPoolStats } from './pool';
import { SandboxProcess, type RawOutcome } from './sandbox-process';

export interface SandboxManagerOptions {
  broker: CapabilityBroker;
  logger: SandboxLogger;
  /** Tenant policy: never run without bubblewrap ('sandbox-unavailable' instead). */
  requireOsSandbox?: boolean;
  /** Processes per tenant pool: warm idle ones and the cap (defaults 1 and 4). */
  poolSize?: { minIdle?: number; max?: number };
  /** Invocations after which a process is replaced (default 100). */
  recycleAfter?: number;
  /** Metrics to record into: a prom-client Registry, or metrics from sandboxMetrics(). */
  metrics?: Registry | SandboxMetrics;
  /** Caps the limits of every job (default PLATFORM_LIMIT_CAPS). */
  limitCaps?: SandboxLimits;
  /** bubblewrap binary (default /usr/bin/bwrap); a missing path means "unavailable". */
  bwrapPath?: string;
  /** Where the child bundle is written (default `<repo>/.warden/build`). */
  buildDir?: string;
  /** RLIMIT_CPU per sandbox process in seconds (default 600). */
  cpuLimitSeconds?: number;
  /**
   * Started processes no tenant owns yet (default 1). A tenant whose pool starts cold takes one
   * (it has never run any code) and a new spare starts behind it, so a new tenant's first plugin
   * does not wait for a process to boot.
   */
  spares?: number;
}

/**
 * Runs plugin jobs in per-tenant pools of sandbox processes: a tenant's plugins never share a
 * process with another tenant's. `execute` resolves with the result or throws a SandboxFailure.
 */
export class SandboxManager {
  private readonly pools = new Map<string, SandboxPool>();
  private readonly metrics: SandboxMetrics;
  private readonly output = new OutputValidator();
  private readonly caps: SandboxLimits;
  private launcher?: Promise<Launcher>;
  private closed = false;
  private readonly spares: SandboxProcess[] = [];
  private sparesStarting = 0;

  constructor(private readonly options: SandboxManagerOptions) {
    const metrics = options.metrics;
    this.metrics = metrics && 'executions' in metrics ? metrics : sandboxMetrics(metrics);
    this.caps = options.limitCaps ?? PLATFORM_LIMIT_CAPS;
  }

  async execute(job: SandboxJob): Promise<SandboxResult> {
    const started = performance.now();
    try {
      const result = await this.run(job);
      this.record('success', started);
      return result;
    } catch (error) {
      const failure =
        error instanceof SandboxFailure
          ? error
          : new SandboxFailure('sandbox-unavailable', error instanceof Error ? error.message : String(error));
      this.record('failure', started, failure.kind);
      throw failure;
    }
  }

  /** Starts the unassigned spare processes now (a worker calls it at boot); later calls are no-ops. */
  async prestart(): Promise<void> {
    const launcher = await this.launch();
    if (launcher.unavailable) throw new SandboxFailure('sandbox-unavailable', launcher.unavailable);
    this.refillSpares();
  }

  /** Starts the tenant's warm processes ahead of its first job. */
  async warm(tenantId: string, memoryMb = DEFAULT_SANDBOX_LIMITS.memoryMb): Promise<void> {
    const launcher = await this.launch();
    if (launcher.unavailable) throw new SandboxFailure('sandbox-unavailable', launcher.unavailable);
    await this.pool(tenantId).warm(memoryMb);
  }

  stats(): Record<string, SandboxPoolStats> {
    const stats: Record<string, SandboxPoolStats> = {};
    for (const [tenantId, pool] of this.pools) stats[tenantId] = pool.stats();
    return stats;
  }

  /** Whether processes run under bubblewrap (after the first job or warm-up decided it). */
  async confined(): Promise<boolean> {
    return (await this.launch()).confined;
  }

  /** The layers sandbox processes start in, for logs and reports: `bubblewrap + seccomp + isolated-vm`. */
  async layers(): Promise<string> {
    const launcher = await this.launch();
    if (!launcher.confined) return 'UNCONFINED (no bubblewrap) + isolated-vm';
    return launcher.filtered
      ? 'bubblewrap + seccomp + isolated-vm'
      : 'bubblewrap (no seccomp filter) + isolated-vm';
  }

  close(): void {
    this.closed = true;
    for (const spare of this.spares.splice(0)) spare.kill();
    for (const pool of this.pools.values()) pool.close();
    this.pools.clear();
  }

  private async run(job: SandboxJob): Promise<SandboxResult> {
    if (this.closed) throw new SandboxFailure('sandbox-unavailable', 'the sandbox manager is closed');
    if (job.signal?.aborted) throw new SandboxFailure('cancelled', 'the invocation was cancelled');
    const limits = effectiveLimits(job.limits, this.caps);
    const launcher = await this.launch();
    if (launcher.unavailable) throw new SandboxFailure('sandbox-unavailable', launcher.unavailable);
    if (job.requireOsSandbox && !launcher.confined) {
      throw new SandboxFailure(
        'sandbox-unavailable',
        "the tenant's policy requires the OS sandbox (bubblewrap), which cannot start on this worker",
      );
    }
    const pool = this.pool(job.tenantId);
    const process = await pool.acquire(limits.memoryMb, job.signal);
    let raw: RawOutcome;
    try {
      raw = await process.run(job, limits, this.options.broker);
    } catch (error) {
      pool.release(process, true);
      throw error;
    }
    pool.release(process, raw.done.recycle);
    return this.result(job, limits, raw, !process.confined);
  }

  private result(
    job: SandboxJob,
    limits: SandboxLimits,
    raw: RawOutcome,
    unconfined: boolean,
  ): SandboxResult {
    const { done } = raw;
    const mask = (text: string): string => maskSecrets(text, raw.secrets);
    const logs = done.logs.map((line) => ({ level: line.level, message: mask(line.message) }));
    const usage = done.usage;
    if (!done.ok) {
      // A refused capability the plugin did not recover from is the refusal, not a plugin bug.
      const kind = done.kind === 'plugin-error' && raw.denied !== undefined ? 'capability-denied' : done.kind;
      const message = kind === 'capability-denied' && raw.denied ? raw.denied : (done.message ?? 'failed');
      throw new SandboxFailure(kind ?? 'plugin-error', mask(message), usage, logs);
    }
    const output = this.output.read(
      done.output ?? 'null',
      job.plugin.digest,
      job.plugin.outputSchema,
      limits,
      mask,
      {
        usage,
        logs,
      },
    );
    return {
      output,
      logs,
      logsTruncated: done.logsTruncated,
      usage,
      capabilitiesUsed: raw.capabilitiesUsed,
      unconfined,
    };
  }

  private pool(tenantId: string): SandboxPool {
    let pool = this.pools.get(tenantId);
    if (!pool) {
      const created = new SandboxPool({
        minIdle: this.options.poolSize?.minIdle ?? 1,
        maxSize: this.options.poolSize?.max ?? 4,
        recycleAfter: this.options.recycleAfter ?? 100,
        defaultMemoryMb: DEFAULT_SANDBOX_LIMITS.memoryMb,
        logger: this.options.logger,
        start: (memoryMb) => this.startProcess(memoryMb),
        onChange: () => this.metrics.poolSize.set({ tenant: tenantId }, created.stats().size),
      });
      pool = created;
      this.pools.set(tenantId, pool);
    }
    return pool;
  }

  private async startProcess(memoryMb: number): Promise<SandboxProcess> {
    const spare = memoryMb === DEFAULT_SANDBOX_LIMITS.memoryMb ? this.takeSpare() : undefined;
    this.refillSpares();
    if (spare) return spare;
    const launcher = await this.launch();
    return SandboxProcess.start(launcher.command(memoryMb), memoryMb, launcher.confined, this.options.logger);
  }

  private takeSpare(): SandboxProcess | undefined {
    for (let spare = this.spares.shift(); spare; spare = this.spares.shift()) {
      if (spare.alive) return spare;
    }
    return undefined;
  }

  private refillSpares(): void {
    const wanted = this.options.spares ?? 1;
    while (!this.closed && this.spares.length + this.sparesStarting < wanted) {
      this.sparesStarting++;
      const memoryMb = DEFAULT_SANDBOX_LIMITS.memoryMb;
      void this.launch()
        .then((launcher) => {
          if (launcher.unavailable) throw new Error(launcher.unavailable);
          return SandboxProcess.start(
            launcher.command(memoryMb),
            memoryMb,
            launcher.confined,
            this.options.logger,
          );
        })
        .then(
          (spare) => (this.closed ? spare.kill() : void this.spares.push(spare)),
          (error: unknown) =>
            this.options.logger.warn('could not start a spare sandbox process', {
              error: error instanceof Error ? error.message : String(error),
            }),
        )
        .finally(() => this.sparesStarting--);
    }
  }

  private launch(): Promise<Launcher> {
    if (!this.launcher) {
      this.launcher = childBundlePath(this.options.buildDir).then((bundlePath) =>
        createLauncher({
          bundlePath,
          nativePath: isolatedVmNativePath(),
          bwrapPath: this.options.bwrapPath ?? '/usr/bin/bwrap',
          requireOsSandbox: this.options.requireOsSandbox ?? false,
          cpuLimitSeconds: this.options.cpuLimitSeconds ?? 600,
          logger: this.options.logger,
        }),
      );
      this.launcher.catch(() => (this.launcher = undefined));
    }
    return this.launcher;
  }

  private record(outcome: 'success' | 'failure', started: number, kind?: string): void {
    this.metrics.executions.inc({ outcome });
    this.metrics.duration.observe({ outcome }, (performance.now() - started) / 1000);
    if (kind) this.metrics.failures.inc({ kind });
  }
}
