import { readFile, unlink, writeFile } from 'node:fs/promises';
import { DevstackError } from './errors';

export interface FileLockOptions {
  /** Called once when another live process holds the lock and we start waiting. */
  onWait?: (holderPid: number) => void;
  pollMs?: number;
  timeoutMs?: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(lockPath: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(lockPath, 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the lock file for our pid, or names the live process that holds it. A lock left by a
 * dead process is taken over; two processes that find the same stale lock at the same moment
 * could both take it, a window that is acceptable for locks that guard local dev tooling.
 */
export async function tryLockFile(
  lockPath: string,
): Promise<{ release(): Promise<void> } | { holder: number }> {
  for (;;) {
    try {
      await writeFile(lockPath, `${process.pid}\n`, { flag: 'wx' });
      return { release: () => unlink(lockPath).catch(() => undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(lockPath);
    if (holder !== undefined && isAlive(holder)) return { holder };
    await unlink(lockPath).catch(() => undefined);
  }
}

/** Runs `fn` while holding the lock file, waiting for a live holder to let go. */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  opts: FileLockOptions = {},
): Promise<T> {
  const pollMs = opts.pollMs ?? 500;
  const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  let reportedWait = false;
  for (;;) {
    const attempt = await tryLockFile(lockPath);
    if ('release' in attempt) {
      try {
        return await fn();
      } finally {
        await attempt.release();
      }
    }
    if (Date.now() > deadline) {
      throw new DevstackError(
        'TEMPORAL_CLI_LOCK_TIMEOUT',
        `gave up waiting for process ${attempt.holder} holding ${lockPath}; remove the file if that process is not a build`,
        lockPath,
      );
    }
    if (!reportedWait) {
      reportedWait = true;
      opts.onWait?.(attempt.holder);
    }
    await sleep(pollMs);
  }
}
