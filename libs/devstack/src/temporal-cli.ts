import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { DevstackError } from './errors';
import { goInstall } from './go-install';

/** The one Temporal CLI version Warden builds and documents. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEMPORAL_CLI_GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';

export type TemporalCliSource = 'env' | 'path' | 'cache' | 'go-install';

export type ResolvedTemporalCli =
  | { path: string; source: TemporalCliSource }
  /** No binary here: `@temporalio/testing` downloads its default one (needs internet). */
  | { source: 'sdk-download' };

export interface ResolveTemporalCliOptions {
  onProgress?: (line: string) => void;
  /** Environment to read (TEMPORAL_CLI_PATH, PATH, WARDEN_CACHE_DIR, ...); default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Warden's cache root: WARDEN_CACHE_DIR, else `${XDG_CACHE_HOME ?? ~/.cache}/warden`. */
export function wardenCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WARDEN_CACHE_DIR) return resolve(env.WARDEN_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(env.HOME || homedir(), '.cache');
  return join(base, 'warden');
}

/** Where a Temporal CLI built by Warden lives (and where one may be copied by hand). */
export function temporalCliCachePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(wardenCacheDir(env), 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal');
}

export async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Like `which`: the first executable `name` in the PATH list. */
export async function findOnPath(name: string, pathList: string | undefined): Promise<string | undefined> {
  for (const dir of (pathList ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(resolve(dir), name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds a Temporal CLI, in this order: TEMPORAL_CLI_PATH, `temporal` on PATH, Warden's cached
 * build, a fresh `go install` into that cache when Go is present, and last the SDK's download.
 */
export async function resolveTemporalCli(opts: ResolveTemporalCliOptions = {}): Promise<ResolvedTemporalCli> {
  const env = opts.env ?? process.env;
  const progress = opts.onProgress ?? (() => undefined);

  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    const path = resolve(explicit);
    if (!(await isExecutableFile(path))) {
      throw new DevstackError(
        'TEMPORAL_CLI_PATH_INVALID',
        `TEMPORAL_CLI_PATH is ${explicit}, which is not an executable file; fix or unset it`,
        path,
      );
    }
    return { path, source: 'env' };
  }

  const onPath = await findOnPath('temporal', env.PATH);
  if (onPath) return { path: onPath, source: 'path' };

  const cached = temporalCliCachePath(env);
  if (await isExecutableFile(cached)) return { path: cached, source: 'cache' };

  const go = await findOnPath('go', env.PATH);
  if (go) {
    const binDir = join(cached, '..');
    const path = await goInstall({
      goPath: go,
      target: `${TEMPORAL_CLI_GO_PACKAGE}@${TEMPORAL_CLI_VERSION}`,
      binDir,
      binaryName: 'temporal',
      env,
      onProgress: progress,
      isInstalled: () => isExecutableFile(cached),
    });
    return { path, source: 'go-install' };
  }

  progress(
    `no Temporal CLI found (TEMPORAL_CLI_PATH unset, no 'temporal' on PATH, nothing at ${cached}, no 'go' on PATH); ` +
      `the Temporal SDK will download its dev server, which needs internet access`,
  );
  return { source: 'sdk-download' };
}

export function describeTemporalCli(cli: ResolvedTemporalCli): string {
  switch (cli.source) {
    case 'env':
      return `${cli.path} (from TEMPORAL_CLI_PATH)`;
    case 'path':
      return `${cli.path} (found on PATH)`;
    case 'cache':
      return `${cli.path} (cached build)`;
    case 'go-install':
      return `${cli.path} (just built with go install)`;
    case 'sdk-download':
      return 'the Temporal SDK download (internet required)';
  }
}
