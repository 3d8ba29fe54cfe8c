import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (for example ENOENT). */
  error?: Error;
}

export interface ManagedProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** Every line the process writes, stdout and stderr alike. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** How many trailing lines to keep for error messages. */
  keepLines?: number;
}

export interface ManagedProcess {
  readonly pid: number | undefined;
  /** Settles once, when the process has exited (or failed to start). */
  readonly exited: Promise<ExitInfo>;
  hasExited(): boolean;
  /** The last lines of output, for error messages. */
  recentOutput(): string[];
  /** Sends `signal`, then SIGKILL after `timeoutMs`; resolves when the process is gone. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitInfo>;
}

export function describeExit(exit: ExitInfo): string {
  if (exit.error) return `could not start: ${exit.error.message}`;
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

function pipeLines(stream: Readable | null, onLine: (line: string) => void): void {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
}

/**
 * Spawns a long-running helper (Temporal, PostgreSQL, an app) with its output split into lines.
 * The child is killed when this process exits, so a crashed parent leaves no server behind.
 */
export function startProcess(
  command: string,
  args: string[],
  opts: ManagedProcessOptions = {},
): ManagedProcess {
  const keep = opts.keepLines ?? 40;
  const recent: string[] = [];
  const child: ChildProcess = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env,
    uid: opts.uid,
    gid: opts.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exitInfo: ExitInfo | undefined;
  const killOnParentExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnParentExit);

  const record = (stream: 'stdout' | 'stderr') => (line: string) => {
    recent.push(line);
    if (recent.length > keep) recent.shift();
    opts.onLine?.(line, stream);
  };
  pipeLines(child.stdout, record('stdout'));
  pipeLines(child.stderr, record('stderr'));

  const exited = new Promise<ExitInfo>((resolve) => {
    const settle = (info: ExitInfo): void => {
      if (exitInfo) return;
      exitInfo = info;
      process.removeListener('exit', killOnParentExit);
      resolve(info);
    };
    child.once('error', (error) => settle({ code: null, signal: null, error }));
    // 'close' fires once the output is drained, so the last lines are recorded; a grandchild
    // that inherited the pipes could hold it open forever, hence the short grace after 'exit'.
    child.once('close', (code, signal) => settle({ code, signal }));
    child.once('exit', (code, signal) => {
      setTimeout(() => settle({ code, signal }), 1_000).unref();
    });
  });

  return {
    pid: child.pid,
    exited,
    hasExited: () => exitInfo !== undefined,
    recentOutput: () => [...recent],
    async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<ExitInfo> {
      if (exitInfo) return exitInfo;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
