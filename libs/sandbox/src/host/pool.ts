import { SandboxFailure } from '../contract';
import type { SandboxLogger } from './logger';
import type { SandboxProcess } from './sandbox-process';

export interface SandboxPoolOptions {
  /** Warm processes kept idle once the pool has been used or warmed (default 1). */
  minIdle: number;
  /** Most processes of this pool, busy or idle (default 4). */
  maxSize: number;
  /** A process is replaced after this many invocations (default 100). */
  recycleAfter: number;
  /** Memory limit of warm processes started before any job asked for one. */
  defaultMemoryMb: number;
  start: (memoryMb: number) => Promise<SandboxProcess>;
  logger: SandboxLogger;
  onChange?: () => void;
}

interface Waiter {
  memoryMb: number;
  resolve: (process: SandboxProcess) => void;
  reject: (failure: SandboxFailure) => void;
}

export interface SandboxPoolStats {
  size: number;
  idle: number;
  busy: number;
  starting: number;
  waiting: number;
}

/**
 * The sandbox processes of one tenant. A process serves one job at a time and only ever this
 * tenant's plugins; jobs queue when every process is busy and the pool is at its size cap.
 */
export class SandboxPool {
  private readonly live = new Set<SandboxProcess>();
  private readonly idle: SandboxProcess[] = [];
  private readonly waiters: Waiter[] = [];
  private starting = 0;
  private warmMemoryMb: number;
  private used = false;
  private closed = false;

  constructor(private readonly options: SandboxPoolOptions) {
    this.warmMemoryMb = options.defaultMemoryMb;
  }

  stats(): SandboxPoolStats {
    return {
      size: this.live.size + this.starting,
      idle: this.idle.length,
      busy: this.live.size - this.idle.length,
      starting: this.starting,
      waiting: this.waiters.length,
    };
  }

  /** Starts processes until `minIdle` are idle (or starting). */
  async warm(memoryMb = this.warmMemoryMb): Promise<void> {
    this.used = true;
    this.warmMemoryMb = memoryMb;
    const missing = this.options.minIdle - this.idle.length - this.starting;
    const room = this.options.maxSize - this.live.size - this.starting;
    const starts: Promise<void>[] = [];
    for (let i = 0; i < Math.min(missing, room); i++) starts.push(this.startIdle(memoryMb));
    await Promise.all(starts);
  }

  acquire(memoryMb: number, signal?: AbortSignal): Promise<SandboxProcess> {
    if (this.closed)
      return Promise.reject(new SandboxFailure('sandbox-unavailable', 'the sandbox is closed'));
    this.used = true;
    this.warmMemoryMb = memoryMb;
    const ready = this.takeIdle(memoryMb);
    if (ready) return Promise.resolve(ready);
    return new Promise<SandboxProcess>((resolve, reject) => {
      const waiter: Waiter = { memoryMb, resolve, reject };
      this.waiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.waiters.indexOf(waiter);
          if (index === -1) return;
          this.waiters.splice(index, 1);
          reject(new SandboxFailure('cancelled', 'the invocation was cancelled while queued'));
        },
        { once: true },
      );
      this.serveWaiters();
    });
  }

  /** Gives a process back; it is replaced when it must be recycled, died, or reached its run count. */
  release(process: SandboxProcess, recycle: boolean): void {
    if (recycle || !process.alive || this.closed || process.invocations >= this.options.recycleAfter) {
      this.retire(process);
    } else {
      this.idle.push(process);
    }
    this.serveWaiters();
    this.refill();
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(new SandboxFailure('sandbox-unavailable', 'the sandbox is closed'));
    }
    for (const process of [...this.live]) this.retire(process);
  }

  private takeIdle(memoryMb: number): SandboxProcess | undefined {
    const index = this.idle.findIndex((process) => process.memoryMb === memoryMb && process.alive);
    return index === -1 ? undefined : this.idle.splice(index, 1)[0];
  }

  private serveWaiters(): void {
    while (this.waiters.length > 0 && !this.closed) {
      const waiter = this.waiters[0]!;
      const ready = this.takeIdle(waiter.memoryMb);
      if (ready) {
        this.waiters.shift();
        waiter.resolve(ready);
        continue;
      }
      // A process of another memory limit gives its place to the one this job needs.
      if (this.live.size + this.starting >= this.options.maxSize && this.idle.length > 0) {
        this.retire(this.idle[0]!);
      }
      if (this.live.size + this.starting >= this.options.maxSize) return;
      this.waiters.shift();
      this.spawn(waiter.memoryMb).then(waiter.resolve, waiter.reject);
    }
  }

  private refill(): void {
    if (!this.used || this.closed || this.waiters.length > 0) return;
    // Runs after every job: return before any promise is made when nothing is missing.
    if (this.idle.length + this.starting >= this.options.minIdle) return;
    this.warm(this.warmMemoryMb).catch((error: unknown) =>
      this.options.logger.warn('could not start a warm sandbox process', {
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  }

  private async startIdle(memoryMb: number): Promise<void> {
    const process = await this.spawn(memoryMb);
    if (this.closed) this.retire(process);
    else {
      this.idle.push(process);
      this.serveWaiters();
    }
  }

  private async spawn(memoryMb: number): Promise<SandboxProcess> {
    this.starting++;
    this.options.onChange?.();
    try {
      const process = await this.options.start(memoryMb);
      this.live.add(process);
      process.onExit(() => this.forget(process));
      return process;
    } finally {
      this.starting--;
      this.options.onChange?.();
    }
  }

  private retire(process: SandboxProcess): void {
    process.kill();
    this.forget(process);
  }

  private forget(process: SandboxProcess): void {
    const wasLive = this.live.delete(process);
    const index = this.idle.indexOf(process);
    if (index !== -1) this.idle.splice(index, 1);
    if (wasLive) {
      this.options.onChange?.();
      this.refill();
    }
  }
}
