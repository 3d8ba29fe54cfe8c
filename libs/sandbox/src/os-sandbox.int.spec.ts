/**
 * Cases 20 and 24 from the OS layer: the bubblewrap command line the sandbox uses, running a
 * shell probe instead of node. Whatever a plugin might reach by escaping the isolate, it would
 * reach from here.
 */
import { spawnSync } from 'node:child_process';
import { bwrapArgv, describeRootEntries, SANDBOX_UID } from './host/os-sandbox';

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
