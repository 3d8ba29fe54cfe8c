import { spawn, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DevstackError } from './errors';
import { findOnPath, resolveTemporalCli, temporalCliCachePath } from './temporal-cli';

// The real CLI this machine has: the one tests would resolve anyway.
let realCli: string;
let realGo: string;
let scratch: string;

beforeAll(async () => {
  const resolved = await resolveTemporalCli();
  if (!('path' in resolved))
    throw new Error('these tests need a local Temporal CLI (see docs/operations.md)');
  realCli = resolved.path;
  const go = await findOnPath('go', process.env.PATH);
  if (!go) throw new Error('these tests need Go on PATH');
  realGo = go;
  scratch = await mkdtemp(join(tmpdir(), 'warden-cli-resolve-'));
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function folderWith(name: string, links: Record<string, string>): Promise<string> {
  const dir = join(scratch, name);
  await mkdir(dir, { recursive: true });
  for (const [linkName, target] of Object.entries(links)) await symlink(target, join(dir, linkName));
  return dir;
}

/** Go that cannot reach any module source, so `go install` fails fast with go's own error. */
function offlineGoEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { HOME: process.env.HOME, GOPROXY: 'off', GOMODCACHE: join(scratch, 'empty-modcache'), ...extra };
}

describe('resolveTemporalCli', () => {
  it('refuses a TEMPORAL_CLI_PATH that does not exist, naming it', async () => {
    const missing = join(scratch, 'no-such-temporal');
    const attempt = resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: missing, PATH: dirname(realCli) } });
    await expect(attempt).rejects.toBeInstanceOf(DevstackError);
    await expect(attempt).rejects.toMatchObject({ code: 'TEMPORAL_CLI_PATH_INVALID', path: missing });
    await expect(attempt).rejects.toThrow(`TEMPORAL_CLI_PATH is ${missing}`);
  });

  it('takes TEMPORAL_CLI_PATH first, over PATH', async () => {
    const onPath = await folderWith('path-first', { temporal: realCli });
    const result = await resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: realCli, PATH: onPath } });
    expect(result).toEqual({ path: realCli, source: 'env' });
  });

  it('finds `temporal` on PATH (a symlink to the real binary) and it runs', async () => {
    const dir = await folderWith('on-path', { temporal: realCli });
    const result = await resolveTemporalCli({ env: { PATH: `${join(scratch, 'nothing-here')}:${dir}` } });
    expect(result).toEqual({ path: join(dir, 'temporal'), source: 'path' });
    expect(execFileSync(join(dir, 'temporal'), ['--version'], { encoding: 'utf8' })).toMatch(
      /^temporal version/,
    );
  });

  it('uses the cached build when nothing is on PATH', async () => {
    const env = { PATH: join(scratch, 'empty-path'), WARDEN_CACHE_DIR: join(scratch, 'cache-hit') };
    const cached = temporalCliCachePath(env);
    await mkdir(dirname(cached), { recursive: true });
    await symlink(realCli, cached);
    expect(await resolveTemporalCli({ env })).toEqual({ path: cached, source: 'cache' });
  });

  it('falls back to the SDK download when there is no CLI and no Go', async () => {
    const progress: string[] = [];
    const env = { PATH: join(scratch, 'empty-path'), WARDEN_CACHE_DIR: join(scratch, 'cache-miss') };
    expect(await resolveTemporalCli({ env, onProgress: (l) => progress.push(l) })).toEqual({
      source: 'sdk-download',
    });
    expect(progress.join('\n')).toContain('needs internet access');
  });

  it('runs go install when Go is present, streaming its output, and reports the exact go error', async () => {
    const goDir = await folderWith('go-only', { go: realGo });
    const env = offlineGoEnv({ PATH: goDir, WARDEN_CACHE_DIR: join(scratch, 'cache-build-fails') });
    const progress: string[] = [];
    const attempt = resolveTemporalCli({ env, onProgress: (l) => progress.push(l) });
    await expect(attempt).rejects.toMatchObject({ code: 'TEMPORAL_CLI_BUILD_FAILED' });
    await expect(attempt).rejects.toThrow('module lookup disabled by GOPROXY=off');
    expect(progress[0]).toMatch(/^building github\.com\/temporalio\/cli\/cmd\/temporal@v1\.5\.1 with /);
    expect(progress).toContainEqual(expect.stringMatching(/^go: .*GOPROXY=off/));
    // The failed build leaves neither a lock nor a binary behind.
    const binDir = dirname(temporalCliCachePath(env));
    await expect(stat(join(binDir, '.build.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(join(binDir, 'temporal'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes over a lock left by a dead process', async () => {
    const goDir = await folderWith('go-stale-lock', { go: realGo });
    const env = offlineGoEnv({ PATH: goDir, WARDEN_CACHE_DIR: join(scratch, 'cache-stale-lock') });
    const binDir = dirname(temporalCliCachePath(env));
    await mkdir(binDir, { recursive: true });
    const dead = spawn('true');
    await new Promise((resolve) => dead.once('exit', resolve));
    await writeFile(join(binDir, '.build.lock'), `${dead.pid}\n`);
    // It gets as far as running go (which fails offline) instead of waiting on the lock.
    await expect(resolveTemporalCli({ env })).rejects.toMatchObject({ code: 'TEMPORAL_CLI_BUILD_FAILED' });
  });

  it('waits while another live process builds, then uses what that build produced', async () => {
    const goDir = await folderWith('go-live-lock', { go: realGo });
    const env = offlineGoEnv({ PATH: goDir, WARDEN_CACHE_DIR: join(scratch, 'cache-live-lock') });
    const cached = temporalCliCachePath(env);
    const lock = join(dirname(cached), '.build.lock');
    await mkdir(dirname(cached), { recursive: true });
    const builder = spawn('sleep', ['60']);
    try {
      await writeFile(lock, `${builder.pid}\n`);
      const progress: string[] = [];
      let waiting!: () => void;
      const sawWait = new Promise<void>((resolve) => (waiting = resolve));
      const result = resolveTemporalCli({
        env,
        onProgress: (line) => {
          progress.push(line);
          if (line.includes(`another process (pid ${builder.pid}) is building`)) waiting();
        },
      });
      await sawWait;
      // The "other build" finishes: its binary appears, its lock goes away.
      await symlink(realCli, cached);
      await rm(lock);
      await expect(result).resolves.toEqual({ path: cached, source: 'go-install' });
      expect(progress.some((line) => line.startsWith('building'))).toBe(false);
    } finally {
      builder.kill('SIGKILL');
    }
  });
});
