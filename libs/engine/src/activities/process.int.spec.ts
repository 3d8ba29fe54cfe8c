import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { runProcess, type ProcessSpec } from './process';

// Real servers and processes: Jest's 5 s default is too short (a project-level testTimeout is ignored).
jest.setTimeout(60_000);

// The spawning core of shell steps on real processes; no Temporal needed.

function spec(file: string, args: string[], extra: Partial<ProcessSpec> = {}): ProcessSpec {
  return {
    file,
    args,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    cwd: tmpdir(),
    maxOutputBytes: 1024,
    deadlineMs: Date.now() + 10_000,
    signal: new AbortController().signal,
    ...extra,
  };
}

/** Running, as opposed to gone or a zombie (this container's init may never reap orphans). */
async function running(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}

/** SIGKILL is delivered asynchronously: give the kernel a moment before calling a process alive. */
async function goneWithin(pid: number, ms = 2000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (await running(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

async function pidFrom(file: string): Promise<number> {
  for (let i = 0; i < 50 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
  const pid = Number((await readFile(file, 'utf8')).trim());
  await rm(file, { force: true });
  return pid;
}

describe('runProcess (real processes)', () => {
  test('arguments reach the program literally, with no shell in between', async () => {
    const out = await runProcess(spec('printf', ['%s|', "x'; touch /tmp/nope; echo '", '$HOME', '*']));
    expect(out).toMatchObject({
      exitCode: 0,
      stdout: "x'; touch /tmp/nope; echo '|$HOME|*|",
      truncated: false,
    });
  });

  test('output beyond the cap is dropped and flagged', async () => {
    const out = await runProcess(spec('bash', ['-c', 'head -c 5000 /dev/zero | tr "\\0" a; echo err >&2']));
    expect(out.stdout).toHaveLength(1024);
    expect(out.stderr).toBe('err\n');
    expect(out.truncated).toBe(true);
  });

  test('the deadline kills the whole process group, grandchildren included', async () => {
    const pidFile = join(tmpdir(), `warden-proc-${randomUUID()}`);
    const childFile = `${pidFile}.child`;
    const started = Date.now();
    const out = await runProcess(
      spec('bash', ['-c', `echo $$ > ${pidFile}; sleep 30 & echo $! > ${childFile}; wait`], {
        deadlineMs: Date.now() + 500,
      }),
    );
    expect(out.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await goneWithin(await pidFrom(pidFile))).toBe(true);
    expect(await goneWithin(await pidFrom(childFile))).toBe(true);
  });

  test('an abort (cancellation) kills the group', async () => {
    const pidFile = join(tmpdir(), `warden-proc-${randomUUID()}`);
    const controller = new AbortController();
    const pending = runProcess(
      spec('bash', ['-c', `echo $$ > ${pidFile}; sleep 30`], { signal: controller.signal }),
    );
    const pid = await pidFrom(pidFile);
    controller.abort();
    const out = await pending;
    expect(out.aborted).toBe(true);
    expect(await goneWithin(pid)).toBe(true);
  });

  test('background processes do not outlive the step', async () => {
    const pidFile = join(tmpdir(), `warden-proc-${randomUUID()}`);
    const out = await runProcess(spec('bash', ['-c', `(sleep 30 & echo $! > ${pidFile}) ; echo done`]));
    expect(out).toMatchObject({ exitCode: 0, stdout: 'done\n' });
    const bg = await pidFrom(pidFile);
    expect(await goneWithin(bg)).toBe(true);
  });

  test('a missing program is reported, not thrown', async () => {
    const out = await runProcess(spec('warden-no-such-program', []));
    expect(out.spawnError).toMatch(/ENOENT/);
  });

  test('only the given environment is visible', async () => {
    const out = await runProcess(spec('env', [], { env: { PATH: process.env.PATH ?? '', ONLY: 'me' } }));
    expect(out.stdout.trim().split('\n').sort()).toEqual(['ONLY=me', `PATH=${process.env.PATH ?? ''}`]);
  });
});
