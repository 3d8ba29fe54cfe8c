import { existsSync, realpathSync } from 'node:fs';
import { bwrapArgv, describeRootEntries, probeBwrap, SECCOMP_FD } from './os-sandbox';
import { seccompFilter } from './seccomp';
import type { SandboxLogger } from './logger';

export interface LauncherOptions {
  bundlePath: string;
  nativePath: string;
  /** bubblewrap binary; a path that does not exist forces the unconfined fallback. */
  bwrapPath: string;
  requireOsSandbox: boolean;
  /** RLIMIT_CPU of a sandbox process in seconds: a backstop under the per-invocation budgets. */
  cpuLimitSeconds: number;
  logger: SandboxLogger;
}

/** How to start one sandbox process. */
export interface SandboxCommand {
  argv: string[];
  /** The seccomp filter bubblewrap loads (on SECCOMP_FD); absent when unconfined or unsupported. */
  seccomp?: Buffer;
}

export interface Launcher {
  /** True when processes run under bubblewrap. */
  confined: boolean;
  /** True when confined processes also run under the seccomp filter. */
  filtered: boolean;
  /** Set when the OS sandbox is required but unavailable: every job fails with this reason. */
  unavailable?: string;
  command(memoryMb: number): SandboxCommand;
}

const PRLIMIT = '/usr/bin/prlimit';
/** V8 reserves address space well beyond its heap; 4 GiB plus the heap keeps it working. */
const ADDRESS_SPACE_BASE = 4 * 1024 * 1024 * 1024;

/** Decides once how sandbox processes start: under bubblewrap, or plain with a loud warning. */
export async function createLauncher(options: LauncherOptions): Promise<Launcher> {
  const filter = seccompFilter();
  let probe = await probeBwrap(options.bwrapPath, filter);
  let seccomp = filter;
  if (filter && !probe.ok) {
    // A kernel without seccomp filters: bubblewrap's namespaces still hold, so keep them.
    const plain = await probeBwrap(options.bwrapPath);
    if (plain.ok) {
      options.logger.warn('SECURITY: the seccomp filter cannot load here; sandboxes run without it', {
        reason: probe.reason,
      });
      probe = plain;
      seccomp = undefined;
    }
  }
  const nodePath = realpathSync(process.execPath);
  const hasPrlimit = existsSync(PRLIMIT);
  const command = (memoryMb: number): string[] => {
    const node = [
      nodePath,
      '--no-node-snapshot',
      '--max-old-space-size=96',
      options.bundlePath,
      options.nativePath,
      String(memoryMb),
    ];
    if (!hasPrlimit) return node;
    const addressSpace = ADDRESS_SPACE_BASE + memoryMb * 4 * 1024 * 1024;
    return [PRLIMIT, `--cpu=${options.cpuLimitSeconds}`, `--as=${addressSpace}`, '--', ...node];
  };
  if (!hasPrlimit) options.logger.warn(`${PRLIMIT} not found: sandbox processes run without RLIMIT_CPU/AS`);

  if (probe.ok) {
    if (!filter) options.logger.warn(`no seccomp filter for ${process.arch}: sandboxes run without one`);
    const rootEntries = describeRootEntries();
    const roBinds = [nodePath, options.nativePath, options.bundlePath].filter(
      (path) => !path.startsWith('/usr/'),
    );
    return {
      confined: true,
      filtered: seccomp !== undefined,
      command: (memoryMb) => ({
        argv: bwrapArgv({
          bwrapPath: options.bwrapPath,
          rootEntries,
          roBinds,
          command: command(memoryMb),
          ...(seccomp ? { seccompFd: SECCOMP_FD } : {}),
        }),
        ...(seccomp ? { seccomp } : {}),
      }),
    };
  }
  if (options.requireOsSandbox) {
    options.logger.error('bubblewrap is unavailable and the policy requires it: plugins will not run', {
      reason: probe.reason,
    });
    return {
      confined: false,
      filtered: false,
      unavailable: `bubblewrap is unavailable: ${probe.reason}`,
      command: (memoryMb) => ({ argv: command(memoryMb) }),
    };
  }
  options.logger.warn(
    'SECURITY: bubblewrap is unavailable; plugin sandboxes run as plain child processes WITHOUT OS isolation',
    { reason: probe.reason },
  );
  return { confined: false, filtered: false, command: (memoryMb) => ({ argv: command(memoryMb) }) };
}
