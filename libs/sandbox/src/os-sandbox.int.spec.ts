/**
 * Cases 20 and 24 from the OS layer: the bubblewrap command line the sandbox uses, running a
 * shell probe instead of node. Whatever a plugin might reach by escaping the isolate, it would
 * reach from here. Also the seccomp filter: with it, the kernel refuses the calls it lists.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { childBundlePath, isolatedVmNativePath } from './host/bundle';
import { createLauncher } from './host/launcher';
import { bwrapArgv, describeRootEntries, SANDBOX_UID, SECCOMP_FD, spawnSandboxed } from './host/os-sandbox';
import { SandboxProcess } from './host/sandbox-process';
import { REFUSED_SYSCALLS_X86_64, seccompFilter } from './host/seccomp';

function inSandbox(script: string): { stdout: string; status: number | null } {
  const argv = bwrapArgv({
    bwrapPath: '/usr/bin/bwrap',
    rootEntries: describeRootEntries(),
    roBinds: [],
    command: ['/bin/sh', '-c', script],
  });
  const result = spawnSync(argv[0]!, argv.slice(1), { env: {}, encoding: 'utf8', timeout: 10_000 });
  return { stdout: result.stdout.trim(), status: result.status };
}

describe('the OS sandbox (bubblewrap)', () => {
  it('runs as uid 65534 with no capabilities, an empty environment and no secrets in /proc', () => {
    const { stdout } = inSandbox(
      'id -u; id -g; grep CapEff /proc/self/status; env | grep -v -E "^(PWD|SHLVL|_)=" | wc -l; cat /proc/1/environ | wc -c',
    );
    expect(stdout.split('\n')).toEqual([
      String(SANDBOX_UID),
      String(SANDBOX_UID),
      'CapEff:\t0000000000000000',
      '0',
      '0',
    ]);
  });

  it('has a read-only root and a private, writable /tmp', () => {
    const { stdout } = inSandbox(
      'touch /usr/x 2>/dev/null && echo usr-writable; touch /x 2>/dev/null && echo root-writable; ' +
        'touch /tmp/x && echo tmp-ok; ls /home /root /work 2>/dev/null | wc -l',
    );
    expect(stdout.split('\n')).toEqual(['tmp-ok', '0']);
  });

  it('cannot see or signal the worker process', () => {
    const { stdout } = inSandbox(
      `kill -0 ${process.pid} 2>/dev/null && echo signalled; test -e /proc/${process.pid} && echo visible; ls /proc | grep -c -E '^[0-9]+$'`,
    );
    // Only bubblewrap's init, the shell and its children exist in the pid namespace.
    expect(stdout).not.toMatch(/signalled|visible/);
    expect(Number(stdout)).toBeLessThan(6);
  });

  it('has no network: connecting to PostgreSQL on 127.0.0.1:5432 fails', () => {
    const probe =
      "const s = require('net').connect(5432, '127.0.0.1');" +
      "s.on('connect', () => { console.log('connected'); s.destroy(); });" +
      "s.on('error', (e) => console.log('refused', e.code));";
    const { stdout } = inSandbox(`/usr/bin/node -e "${probe}"; cat /proc/net/dev | grep -c ':'`);
    const [network, interfaces] = stdout.split('\n');
    expect(network).toMatch(/^refused /);
    expect(interfaces).toBe('1'); // loopback only, down
  });

  it('refuses mount, unshare and ptrace-style inspection of other processes', () => {
    const { stdout } = inSandbox(
      'mount -t tmpfs none /tmp 2>/dev/null && echo mounted; unshare -U true 2>/dev/null && echo unshared; ' +
        'cat /proc/1/mem 2>/dev/null && echo read-mem; echo done',
    );
    expect(stdout).toBe('done');
  });
});

/** Runs perl in the sandbox (with or without the filter); it makes each call and prints its errno. */
function syscallsInSandbox(
  calls: Record<string, number>,
  filtered: boolean,
): Promise<Record<string, string>> {
  const filter = seccompFilter()!;
  const probe = Object.entries(calls)
    .map(
      ([name, nr]) =>
        `$! = 0; $r = syscall(${nr}, 0, 0, 0, 0, 0); print "${name} ", ($r == -1 ? $! + 0 : "ok"), "\\n";`,
    )
    .join(' ');
  const argv = bwrapArgv({
    bwrapPath: '/usr/bin/bwrap',
    rootEntries: describeRootEntries(),
    roBinds: [],
    command: ['/usr/bin/perl', '-e', probe],
    ...(filtered ? { seccompFd: SECCOMP_FD } : {}),
  });
  const child = spawnSandboxed(argv, filtered ? filter : undefined, ['ignore', 'pipe', 'pipe']);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () =>
      resolve(
        Object.fromEntries(
          out
            .trim()
            .split('\n')
            .map((line) => line.split(' ') as [string, string]),
        ),
      ),
    );
  });
}

/** Every process below `pid`, read from /proc. */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      continue; // gone meanwhile
    }
  }
  const found: number[] = [];
  for (let frontier = [pid]; frontier.length > 0;) {
    frontier = [...parents].filter(([, parent]) => frontier.includes(parent)).map(([child]) => child);
    found.push(...frontier);
  }
  return found;
}

describe('the seccomp filter', () => {
  const EPERM = String(1);

  it('refuses every listed call with EPERM inside the sandbox', async () => {
    const results = await syscallsInSandbox(REFUSED_SYSCALLS_X86_64, true);
    expect(Object.keys(results)).toHaveLength(Object.keys(REFUSED_SYSCALLS_X86_64).length);
    for (const [name, errno] of Object.entries(results)) expect([name, errno]).toEqual([name, EPERM]);
  });

  it('is what refuses them: without it the same calls reach the kernel', async () => {
    const calls = { unshare: 272, io_uring_setup: 425, setns: 308, perf_event_open: 298 };
    const unfiltered = await syscallsInSandbox(calls, false);
    // unshare(0) is a no-op that succeeds; the others fail on their zero arguments, not with EPERM.
    expect(unfiltered.unshare).toBe('ok');
    expect(unfiltered.io_uring_setup).not.toBe(EPERM);
    expect(unfiltered.setns).not.toBe(EPERM);
    expect(unfiltered.perf_event_open).not.toBe(EPERM);
    expect(await syscallsInSandbox(calls, true)).toEqual({
      unshare: EPERM,
      io_uring_setup: EPERM,
      setns: EPERM,
      perf_event_open: EPERM,
    });
  });

  it("holds every sandbox process the launcher starts (the kernel reports the process's filter)", async () => {
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const launcher = await createLauncher({
      bundlePath: await childBundlePath(),
      nativePath: isolatedVmNativePath(),
      bwrapPath: '/usr/bin/bwrap',
      requireOsSandbox: true,
      cpuLimitSeconds: 60,
      logger: quiet,
    });
    expect(launcher.filtered).toBe(true);
    const sandbox = await SandboxProcess.start(launcher.command(64), 64, launcher.confined, quiet);
    try {
      // One filter more than this (the worker's) process carries, whatever a container adds.
      const filtersOf = (pid: number): number =>
        Number(/^Seccomp_filters:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      const inside = descendantsOf(sandbox.pid!).map(filtersOf);
      // bubblewrap's init and node inside it.
      expect(inside.length).toBeGreaterThanOrEqual(1);
      expect(new Set(inside)).toEqual(new Set([filtersOf(process.pid) + 1]));
    } finally {
      sandbox.kill();
    }
  });
});
