import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import type { Writable } from 'node:stream';

/** The uid and gid the sandboxed process runs as (nobody). */
export const SANDBOX_UID = 65534;

/** A top-level entry of the host root: merged-/usr systems make /bin, /lib... symlinks. */
export interface RootEntry {
  path: string;
  /** Set when the entry is a symlink (e.g. `usr/lib`); otherwise it is bound read-only. */
  symlinkTo?: string;
}

export interface BwrapSpec {
  bwrapPath: string;
  rootEntries: RootEntry[];
  /** Files bound read-only at the same path (node binary, isolated-vm, the child bundle). */
  roBinds: string[];
  /** The program and its arguments, run inside. */
  command: string[];
  /** A descriptor bubblewrap reads a seccomp filter from (`--seccomp`), when there is one. */
  seccompFd?: number;
}

/** The descriptor a sandbox process gets its seccomp filter on (stdin, stdout, stderr, then this). */
export const SECCOMP_FD = 3;

/**
 * The bubblewrap command line: every namespace unshared (no network), an unprivileged uid with no
 * capabilities and no further user namespaces, a read-only root holding only what node needs,
 * private /tmp, fresh /proc and /dev, cleared environment, a new session, and death with the parent.
 */
export function bwrapArgv(spec: BwrapSpec): string[] {
  const argv = [
    spec.bwrapPath,
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--uid',
    String(SANDBOX_UID),
    '--gid',
    String(SANDBOX_UID),
    '--die-with-parent',
    '--new-session',
    '--clearenv',
    '--cap-drop',
    'ALL',
    // Mounted first, so the binds below stay visible even when they live under /tmp.
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
    '--ro-bind',
    '/usr',
    '/usr',
  ];
  for (const entry of spec.rootEntries) {
    if (entry.symlinkTo !== undefined) argv.push('--symlink', entry.symlinkTo, entry.path);
    else argv.push('--ro-bind', entry.path, entry.path);
  }
  for (const path of spec.roBinds) argv.push('--ro-bind', path, path);
  if (spec.seccompFd !== undefined) argv.push('--seccomp', String(spec.seccompFd));
  argv.push('--remount-ro', '/', '--chdir', '/tmp', '--', ...spec.command);
  return argv;
}

const ROOT_CANDIDATES = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc/ld.so.cache'];

/** Reads which of the library and binary folders exist on this host, and how. */
export function describeRootEntries(): RootEntry[] {
  const entries: RootEntry[] = [];
  for (const path of ROOT_CANDIDATES) {
    if (!existsSync(path)) continue;
    const stat = lstatSync(path);
    entries.push(stat.isSymbolicLink() ? { path, symlinkTo: readlinkSync(path) } : { path });
  }
  return entries;
}

/**
 * Spawns a bubblewrap command line, handing it the seccomp filter on SECCOMP_FD when there is one
 * (bubblewrap reads it to the end before it starts the program).
 */
export function spawnSandboxed(
  argv: string[],
  seccomp: Buffer | undefined,
  stdio: ('pipe' | 'ignore')[],
  detached = false,
): ChildProcess {
  const child = spawn(argv[0]!, argv.slice(1), {
    env: {},
    stdio: seccomp ? [...stdio, 'pipe'] : stdio,
    detached,
  });
  if (seccomp) {
    const filterPipe = child.stdio[SECCOMP_FD] as Writable;
    // A bubblewrap that failed before reading it closes the pipe; its exit tells the story.
    filterPipe.on('error', () => undefined);
    // Closed once written: bubblewrap reads what is buffered, then EOF; no descriptor stays open.
    filterPipe.end(seccomp, () => filterPipe.destroy());
  }
  return child;
}

/**
 * Runs `bwrap ... /usr/bin/true` once, with the seccomp filter when given; resolves to the reason
 * when bubblewrap cannot start.
 */
export function probeBwrap(
  bwrapPath: string,
  seccomp?: Buffer,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (!existsSync(bwrapPath)) return Promise.resolve({ ok: false, reason: `${bwrapPath} does not exist` });
  const argv = bwrapArgv({
    bwrapPath,
    rootEntries: describeRootEntries(),
    roBinds: [],
    command: ['/usr/bin/true'],
    ...(seccomp ? { seccompFd: SECCOMP_FD } : {}),
  });
  return new Promise((resolve) => {
    const child = spawnSandboxed(argv, seccomp, ['ignore', 'ignore', 'pipe']);
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (stderr += chunk.slice(0, 2000)));
    child.on('error', (error) => resolve({ ok: false, reason: error.message }));
    child.on('close', (code) =>
      resolve(code === 0 ? { ok: true } : { ok: false, reason: `exit ${code}: ${stderr.trim()}` }),
    );
  });
}
