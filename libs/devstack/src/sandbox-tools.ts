/**
 * The two native pieces the plugin sandbox stands on, installed by the project's own setup:
 * bubblewrap (Debian package) for the OS layer, and isolated-vm's addon for the isolate layer.
 *
 * isolated-vm's own install script downloads a prebuilt binary or Node's headers; neither works
 * offline, so npm skips it (allowScripts) and this builds the addon with node-gyp against the
 * headers that ship with Node, once per isolated-vm version and Node ABI, into the Warden cache.
 * Later clean clones copy it from there in milliseconds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describeExit, startProcess } from './child-process';
import { DevstackError } from './errors';
import { withFileLock } from './file-lock';
import { wardenCacheDir } from './temporal-cli';

type Progress = (line: string) => void;

export const BWRAP_PATH = '/usr/bin/bwrap';

/** Whether bubblewrap can start a sandbox here (installed, and namespaces allowed). */
export function bubblewrapWorks(bwrap = BWRAP_PATH): boolean {
  if (!existsSync(bwrap)) return false;
  const probe = spawnSync(
    bwrap,
    ['--ro-bind', '/', '/', '--unshare-all', '--die-with-parent', '--new-session', '/bin/true'],
    { stdio: 'ignore', timeout: 10_000 },
  );
  return probe.status === 0;
}

/**
 * Installs Debian's bubblewrap when it is missing and this process may use apt-get. Never fatal:
 * the sandbox falls back to a plain child process with a warning, and a tenant policy can forbid
 * that fallback.
 */
export function ensureBubblewrap(onProgress: Progress): boolean {
  if (existsSync(BWRAP_PATH)) {
    const works = bubblewrapWorks();
    onProgress(`bubblewrap: ${BWRAP_PATH}${works ? '' : ' (installed, but cannot create namespaces here)'}`);
    return works;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    onProgress(
      'bubblewrap is missing: install the `bubblewrap` package; plugins run without the OS sandbox until then',
    );
    return false;
  }
  onProgress('installing bubblewrap with apt-get (plugin sandbox, OS layer)');
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'bubblewrap']]) {
    const step = spawnSync('apt-get', args, {
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (step.status !== 0) {
      onProgress(`apt-get ${args.join(' ')} failed: ${(step.stderr || step.stdout).trim().slice(-400)}`);
      return false;
    }
  }
  return bubblewrapWorks();
}

/** Loads the addon in a child (it needs --no-node-snapshot), so a broken build cannot crash us. */
function addonLoads(nativePath: string): boolean {
  const probe = spawnSync(
    process.execPath,
    [
      '--no-node-snapshot',
      '-e',
      `new (require(${JSON.stringify(nativePath)}).ivm.Isolate)({ memoryLimit: 8 }).dispose()`,
    ],
    { stdio: 'ignore', timeout: 20_000 },
  );
  return probe.status === 0;
}

/** node-gyp as npm ships it; npm sets npm_execpath when it runs our scripts. */
function nodeGypScript(): string {
  const candidates = [
    process.env.npm_execpath &&
      join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new DevstackError(
      'SANDBOX_ADDON_BUILD_FAILED',
      `node-gyp not found (looked in ${candidates.join(', ')})`,
      'node-gyp',
    );
  }
  return found;
}

/** Node's own headers next to the binary (Debian: /usr/include/node), so node-gyp downloads nothing. */
function localNodeDir(): string | undefined {
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'common.gypi')) ? prefix : undefined;
}

async function buildAddon(packageDir: string, onProgress: Progress): Promise<void> {
  const nodedir = localNodeDir();
  const args = [
    nodeGypScript(),
    'rebuild',
    '--release',
    '-j',
    'max',
    ...(nodedir ? [`--nodedir=${nodedir}`] : []),
  ];
  const started = Date.now();
  onProgress(
    `building isolated-vm with node-gyp (${nodedir ? `headers from ${nodedir}` : 'downloaded headers'}); this takes about 3 minutes once`,
  );
  const child = startProcess(process.execPath, args, { cwd: packageDir, keepLines: 40 });
  const heartbeat = setInterval(
    () => onProgress(`still building isolated-vm (${Math.round((Date.now() - started) / 1000)} s)`),
    15_000,
  );
  const exit = await child.exited.finally(() => clearInterval(heartbeat));
  if (exit.code !== 0) {
    throw new DevstackError(
      'SANDBOX_ADDON_BUILD_FAILED',
      `node-gyp rebuild of isolated-vm ${describeExit(exit)}:\n${child.recentOutput().join('\n')}`,
      packageDir,
    );
  }
  onProgress(`built isolated-vm in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** Which isolated-vm serves this Node and where its module lives (`isolatedVmAddon` in the sandbox). */
export interface IsolatedVmLocation {
  packageName: string;
  packageDir: string;
  /** The module the sandbox loads: prebuilt in the package, or the node-gyp build. */
  nativePath: string;
  /** Where `node-gyp rebuild` in packageDir writes the module. */
  buildPath: string;
}

/**
 * Makes isolated-vm's native module loadable for this Node: the package's prebuilt one when it
 * ships one (6.x on Node 22 and 24), else a node-gyp build, copied from the cache or built once.
 * Returns the path of the module that loads.
 */
export async function ensureIsolatedVm(addon: IsolatedVmLocation, onProgress: Progress): Promise<string> {
  const { packageDir, nativePath, buildPath } = addon;
  if (nativePath !== buildPath && addonLoads(nativePath)) {
    onProgress(`isolated-vm: ${nativePath} (prebuilt, ${addon.packageName})`);
    return nativePath;
  }
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const cacheDir = join(
    wardenCacheDir(),
    'isolated-vm',
    `${version}-abi${process.versions.modules}-${process.platform}-${process.arch}`,
  );
  const cached = join(cacheDir, 'isolated_vm.node');
  const present = existsSync(buildPath) && addonLoads(buildPath);
  if (present && existsSync(cached)) return buildPath;
  await mkdir(cacheDir, { recursive: true });
  await withFileLock(join(cacheDir, '.build.lock'), async () => {
    if (existsSync(cached) && !present) {
      await mkdir(dirname(buildPath), { recursive: true });
      await copyFile(cached, buildPath);
      return;
    }
    if (!present) await buildAddon(packageDir, onProgress);
    const partial = `${cached}.${process.pid}`;
    await copyFile(buildPath, partial);
    await rename(partial, cached);
  });
  if (!addonLoads(buildPath)) {
    throw new DevstackError(
      'SANDBOX_ADDON_BUILD_FAILED',
      `isolated-vm at ${buildPath} does not load`,
      buildPath,
    );
  }
  onProgress(`isolated-vm: ${buildPath} (cache ${cached})`);
  return buildPath;
}
