import { spawn } from 'node:child_process';

export interface ProcessSpec {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  maxOutputBytes: number;
  /** Absolute epoch ms after which the whole process group is killed. */
  deadlineMs: number;
  signal: AbortSignal;
}

export interface ProcessOutcome {
  stdout: string;
  stderr: string;
  /** null when the process died from a signal. */
  exitCode: number | null;
  truncated: boolean;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the executable could not be started at all (ENOENT, EACCES). */
  spawnError?: string;
}

/** Collects a stream up to a byte cap, so a chatty step cannot exhaust the worker's memory. */
class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    const room = this.cap - this.size;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.truncated = true;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/**
 * Runs one process in its own process group (detached) and never through a shell. On deadline
 * or abort the whole group gets SIGKILL, so grandchildren (`bash -c 'sleep 30 & ...'`) die too.
 */
export function runProcess(spec: ProcessSpec): Promise<ProcessOutcome> {
  return new Promise((resolve) => {
    const stdout = new CappedBuffer(spec.maxOutputBytes);
    const stderr = new CappedBuffer(spec.maxOutputBytes);
    let timedOut = false;
    let aborted = false;
    let spawnError: string | undefined;

    const child = spawn(spec.file, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (c: Buffer) => stdout.push(c));
    child.stderr.on('data', (c: Buffer) => stderr.push(c));

    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone: nothing left to kill.
      }
    };
    const onAbort = (): void => {
      aborted = true;
      killGroup();
    };
    if (spec.signal.aborted) onAbort();
    spec.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => {
        timedOut = true;
        killGroup();
      },
      Math.max(0, spec.deadlineMs - Date.now()),
    );

    child.on('error', (err) => {
      spawnError = err.message;
    });
    // The leader exited but a backgrounded grandchild may still hold the group (and our pipes,
    // which would keep 'close' from firing): end it.
    child.on('exit', killGroup);
    child.on('close', (code) => {
      clearTimeout(timer);
      spec.signal.removeEventListener('abort', onAbort);
      resolve({
        stdout: stdout.text(),
        stderr: stderr.text(),
        exitCode: code,
        truncated: stdout.truncated || stderr.truncated,
        timedOut,
        aborted,
        spawnError,
      });
    });
  });
}
