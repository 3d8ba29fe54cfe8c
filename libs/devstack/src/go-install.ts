import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describeExit, startProcess } from './child-process';
import { DevstackError, type DevstackErrorCode } from './errors';
import { withFileLock } from './file-lock';

export interface GoInstallOptions {
  goPath: string;
  /** `module/path@version` */
  target: string;
  /** Folder that receives the binary. */
  binDir: string;
  binaryName: string;
  env: NodeJS.ProcessEnv;
  onProgress: (line: string) => void;
  /** How often to print an elapsed-time line while go works silently. */
  heartbeatMs?: number;
  isInstalled: () => Promise<boolean>;
  /** The error code of a failed build; default TEMPORAL_CLI_BUILD_FAILED. */
  failureCode?: DevstackErrorCode;
}

/**
 * `go install` into `binDir`, one build at a time per folder. The binary is built into a
 * private folder and renamed into place, so a reader never sees a half-written file.
 */
export async function goInstall(opts: GoInstallOptions): Promise<string> {
  await mkdir(opts.binDir, { recursive: true });
  const finalPath = join(opts.binDir, opts.binaryName);
  return withFileLock(
    join(opts.binDir, '.build.lock'),
    async () => {
      // Another process may have finished the build while we waited for the lock.
      if (await opts.isInstalled()) return finalPath;
      const buildDir = join(opts.binDir, `.build-${process.pid}`);
      await rm(buildDir, { recursive: true, force: true });
      await mkdir(buildDir);
      try {
        await runGoInstall(opts, buildDir);
        await rename(join(buildDir, opts.binaryName), finalPath);
      } finally {
        await rm(buildDir, { recursive: true, force: true });
      }
      return finalPath;
    },
    {
      onWait: (pid) =>
        opts.onProgress(`another process (pid ${pid}) is building ${opts.target}; waiting for it`),
    },
  );
}

async function runGoInstall(opts: GoInstallOptions, buildDir: string): Promise<void> {
  const started = Date.now();
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  opts.onProgress(
    `building ${opts.target} with ${opts.goPath} into ${opts.binDir} (the first build takes a few minutes)`,
  );
  const child = startProcess(opts.goPath, ['install', opts.target], {
    env: { ...opts.env, GOBIN: buildDir },
    onLine: (line) => opts.onProgress(`go: ${line.replace(/^go: /, '')}`),
    keepLines: 60,
  });
  const heartbeat = setInterval(() => {
    opts.onProgress(`still building ${opts.target} (${Math.round((Date.now() - started) / 1000)} s)`);
  }, heartbeatMs);
  const exit = await child.exited.finally(() => clearInterval(heartbeat));
  if (exit.code !== 0) {
    const output = child.recentOutput().join('\n');
    throw new DevstackError(
      opts.failureCode ?? 'TEMPORAL_CLI_BUILD_FAILED',
      `go install ${opts.target} ${describeExit(exit)}:\n${output}`,
      opts.goPath,
    );
  }
  opts.onProgress(`built ${opts.target} in ${Math.round((Date.now() - started) / 1000)} s`);
}
