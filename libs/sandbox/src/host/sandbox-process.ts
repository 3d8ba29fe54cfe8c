import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { SandboxFailure, type CapabilityBroker, type SandboxJob, type SandboxLimits } from '../contract';
import { lineSplitter, type ChildMessage, type DoneMessage, type HostMessage } from '../protocol';
import type { SandboxLogger } from './logger';
import { relayFetch, type FetchLedger } from './fetch-relay';
import type { SandboxCommand } from './launcher';
import { spawnSandboxed } from './os-sandbox';

/** What one invocation produced, before the host turns it into a SandboxResult. */
export interface RawOutcome {
  done: DoneMessage;
  capabilitiesUsed: string[];
  secrets: string[];
  /** Message of the last capability refusal, if the broker refused anything. */
  denied?: string;
}

/** Grace after the job's deadline before the host stops waiting for the child's own watchdog. */
const HOST_WATCHDOG_GRACE_MS = 1500;
const STDERR_TAIL = 4096;
/** Room for the largest legitimate answer: capped output and logs, JSON-escaped. */
const MAX_CHILD_LINE_CHARS = 64 * 1024 * 1024;

/** Digests whose code a child is assumed to hold; the child keeps 32 compiled scripts. */
const KNOWN_CODE_CAP = 32;

interface Pending extends FetchLedger {
  id: number;
  watchdog: NodeJS.Timeout;
  onAbort?: () => void;
  resolve: (outcome: RawOutcome) => void;
  reject: (failure: SandboxFailure) => void;
}

/**
 * One sandbox child process: a single isolate of a fixed memory limit, one invocation at a time.
 * It is killed (SIGKILL to its process group) on cancellation, on a missed deadline, and on close.
 */
export class SandboxProcess {
  invocations = 0;
  private nextId = 0;
  private pending?: Pending;
  private exited = false;
  private stderrTail = '';
  private readonly exitListeners: (() => void)[] = [];
  /** Digests sent to this child with their code (it compiles each once and keeps it). */
  private readonly knownCode = new Set<string>();

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly memoryMb: number,
    readonly confined: boolean,
    private readonly logger: SandboxLogger,
  ) {}

  /** Spawns the command and resolves once the child reports its isolate ready. */
  static start(
    command: SandboxCommand,
    memoryMb: number,
    confined: boolean,
    logger: SandboxLogger,
    startTimeoutMs = 10_000,
  ): Promise<SandboxProcess> {
    // An empty environment: bubblewrap itself stays visible as pid 1 inside the sandbox, and its
    // /proc/1/environ must not carry the worker's secrets.
    const child = spawnSandboxed(
      command.argv,
      command.seccomp,
      ['pipe', 'pipe', 'pipe'],
      true,
    ) as ChildProcessWithoutNullStreams;
    const processHandle = new SandboxProcess(child, memoryMb, confined, logger);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        processHandle.kill();
        reject(new SandboxFailure('sandbox-unavailable', 'the sandbox process did not start in time'));
      }, startTimeoutMs);
      processHandle.attach(
        () => {
          clearTimeout(timer);
          resolve(processHandle);
        },
        (reason) => {
          clearTimeout(timer);
          reject(new SandboxFailure('sandbox-unavailable', `the sandbox process failed to start: ${reason}`));
        },
      );
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  onExit(listener: () => void): void {
    if (this.exited) listener();
    else this.exitListeners.push(listener);
  }

  /** Runs one job. Rejects with a SandboxFailure only for cancellation or a lost process. */
  run(job: SandboxJob, limits: SandboxLimits, broker: CapabilityBroker): Promise<RawOutcome> {
    if (this.exited) return Promise.reject(this.lostFailure());
    if (this.pending)
      return Promise.reject(new SandboxFailure('sandbox-unavailable', 'sandbox process busy'));
    const id = ++this.nextId;
    this.invocations++;
    return new Promise<RawOutcome>((resolve, reject) => {
      const pending: Pending = {
        id,
        job,
        limits,
        broker,
        fetches: 0,
        capabilities: new Set(),
        secrets: new Set(),
        watchdog: setTimeout(() => {
          this.settle(pending, new SandboxFailure('timeout', 'the plugin exceeded its time limit'));
          this.kill();
        }, limits.timeoutMs + HOST_WATCHDOG_GRACE_MS),
        resolve,
        reject,
      };
      this.pending = pending;
      if (job.signal) {
        const onAbort = (): void => {
          this.settle(pending, new SandboxFailure('cancelled', 'the invocation was cancelled'));
          this.kill();
        };
        pending.onAbort = onAbort;
        job.signal.addEventListener('abort', onAbort, { once: true });
      }
      this.sendRun(pending, !this.knownCode.has(job.plugin.digest));
      if (job.signal?.aborted) pending.onAbort?.();
    });
  }

  /** SIGKILL to the whole process group; bubblewrap's --die-with-parent takes the sandbox down. */
  kill(): void {
    if (this.exited) return;
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  private attach(onReady: () => void, onStartFailure: (reason: string) => void): void {
    let ready = false;
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
    });
    this.child.stdin.on('error', () => this.kill());
    this.child.stdout.on(
      'data',
      lineSplitter(
        (line) => {
          let message: ChildMessage;
          try {
            message = JSON.parse(line) as ChildMessage;
          } catch {
            this.logger.warn('sandbox child wrote an unreadable line; killing it', { pid: this.child.pid });
            this.kill();
            return;
          }
          if (message.t === 'ready') {
            ready = true;
            onReady();
          } else if (message.t === 'done') this.onDone(message);
          else if (message.t === 'fetch') this.onFetch(message.id, message.callId, message.request);
          else if (message.t === 'need-code') this.onNeedCode(message.id);
        },
        {
          // A child that escaped its isolate could stream one endless line at the host.
          maxLineChars: MAX_CHILD_LINE_CHARS,
          onOverflow: () => {
            this.logger.warn('sandbox child wrote an oversized line; killing it', { pid: this.child.pid });
            this.kill();
          },
        },
      ),
    );
    this.child.on('error', (error) => {
      if (!ready) onStartFailure(error.message);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      if (!ready) onStartFailure(`exit ${code ?? signal}: ${this.stderrTail.trim()}`);
      if (this.pending) this.settle(this.pending, this.lostFailure());
      for (const listener of this.exitListeners.splice(0)) listener();
    });
  }

  private onDone(done: DoneMessage): void {
    const pending = this.pending;
    if (!pending || pending.id !== done.id) return;
    this.settle(pending, {
      done,
      capabilitiesUsed: [...pending.capabilities],
      secrets: [...pending.secrets],
      denied: pending.denied,
    });
    // The answer is in: the child may spend its millisecond on the next context, once this
    // turn (the caller's continuation included) is over.
    if (!done.recycle) setImmediate(() => this.send({ t: 'prepare' }));
  }

  /** The child no longer holds the script: the same run again, this time with its code. */
  private onNeedCode(id: number): void {
    const pending = this.pending;
    if (!pending || pending.id !== id) return;
    this.knownCode.delete(pending.job.plugin.digest);
    this.sendRun(pending, true);
  }

  private sendRun(pending: Pending, withCode: boolean): void {
    const { job } = pending;
    if (withCode) {
      if (this.knownCode.size >= KNOWN_CODE_CAP) this.knownCode.clear();
      this.knownCode.add(job.plugin.digest);
    }
    this.send({
      t: 'run',
      id: pending.id,
      pluginId: job.plugin.id,
      digest: job.plugin.digest,
      code: withCode ? job.plugin.code : undefined,
      input: JSON.stringify(job.input ?? null),
      config: JSON.stringify(job.config ?? null),
      limits: pending.limits,
    });
  }

  private onFetch(id: number, callId: number, requestText: string): void {
    const pending = this.pending;
    if (!pending || pending.id !== id) return;
    relayFetch(pending, requestText, (ok, body) => {
      if (this.pending === pending)
        this.send({ t: 'fetch-reply', id, callId, ok, body: JSON.stringify(body) });
    });
  }

  private settle(pending: Pending, outcome: RawOutcome | SandboxFailure): void {
    if (this.pending !== pending) return;
    this.pending = undefined;
    clearTimeout(pending.watchdog);
    if (pending.onAbort) pending.job.signal?.removeEventListener('abort', pending.onAbort);
    pending.fetchAbort?.abort();
    if (outcome instanceof SandboxFailure) pending.reject(outcome);
    else pending.resolve(outcome);
  }

  private lostFailure(): SandboxFailure {
    const detail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
    return new SandboxFailure(
      'sandbox-unavailable',
      `the sandbox process died${detail ? `: ${detail}` : ''}`,
    );
  }

  private send(message: HostMessage): void {
    if (!this.exited) this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }
}
