/**
 * local-kms (github.com/nsmithuk/local-kms): an AWS KMS look-alike that the KMS key provider is
 * tested against, built from its Go module into the Warden cache like the Temporal CLI.
 *
 *   const kms = await startLocalKms({ dataDir });
 *   new AwsKmsKeyProvider({ keyId: kms.key.alias, region: kms.region, endpoint: kms.endpoint, credentials });
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open as openFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeExit, startProcess, type ExitInfo, type ManagedProcess } from './child-process';
import { DevstackError } from './errors';
import { goInstall } from './go-install';
import { freePort } from './ports';
import { findOnPath, isExecutableFile, wardenCacheDir } from './temporal-cli';

/**
 * local-kms's release tags lack the `v` prefix Go needs, so Go sees no release and `go install
 * ...@latest` resolves a pseudo-version of the newest commit: this is the one it resolved, pinned.
 */
export const LOCAL_KMS_VERSION = 'v0.0.0-20260228092603-2a5e92d09ab6';
export const LOCAL_KMS_GO_MODULE = 'github.com/nsmithuk/local-kms';

/** The id and alias of the one symmetric key a seeded local-kms holds. */
export const LOCAL_KMS_KEY_ID = '6f1c7e1a-0b7d-4c43-9d7e-2f6f4a3b9c01';
export const LOCAL_KMS_KEY_ALIAS = 'alias/warden-local';

const HOST = '127.0.0.1';
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

type Progress = (line: string) => void;

/** Where Warden's local-kms build lives (and where a binary may be copied by hand). */
export function localKmsCachePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(wardenCacheDir(env), 'local-kms', LOCAL_KMS_VERSION, 'local-kms');
}

export interface EnsureLocalKmsOptions {
  onProgress?: Progress;
  /** Environment to read (LOCAL_KMS_PATH, PATH, WARDEN_CACHE_DIR, ...); default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The local-kms binary: LOCAL_KMS_PATH, else the cached build, else a fresh `go install` of the
 * pinned version into the cache. Throws LOCAL_KMS_UNAVAILABLE when there is none and no Go.
 */
export async function ensureLocalKms(opts: EnsureLocalKmsOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const explicit = env.LOCAL_KMS_PATH;
  if (explicit) {
    const path = resolve(explicit);
    if (!(await isExecutableFile(path))) {
      throw new DevstackError(
        'LOCAL_KMS_UNAVAILABLE',
        `LOCAL_KMS_PATH is ${explicit}, which is not an executable file; fix or unset it`,
        path,
      );
    }
    return path;
  }
  const cached = localKmsCachePath(env);
  if (await isExecutableFile(cached)) return cached;
  const go = await findOnPath('go', env.PATH);
  if (!go) {
    throw new DevstackError(
      'LOCAL_KMS_UNAVAILABLE',
      `no local-kms at ${cached} and no 'go' on PATH to build it; install Go, or put a local-kms binary there`,
      cached,
    );
  }
  return goInstall({
    goPath: go,
    target: `${LOCAL_KMS_GO_MODULE}@${LOCAL_KMS_VERSION}`,
    binDir: join(cached, '..'),
    binaryName: 'local-kms',
    env,
    onProgress: opts.onProgress ?? (() => undefined),
    isInstalled: () => isExecutableFile(cached),
    failureCode: 'LOCAL_KMS_BUILD_FAILED',
  });
}

export interface LocalKmsOptions {
  /** Holds the key database and the seed file; keys survive a restart on the same folder. */
  dataDir: string;
  /** Default: a free one. local-kms listens on every interface; clients use loopback. */
  port?: number;
  /** Default: ensureLocalKms(). */
  binaryPath?: string;
  /** Part of every ARN; default us-east-1. */
  region?: string;
  /** Part of every ARN; default 111122223333 (local-kms's own default). */
  accountId?: string;
  /** Create one symmetric key (LOCAL_KMS_KEY_ID, LOCAL_KMS_KEY_ALIAS) at start; default true. */
  seedKey?: boolean;
  /** Every line local-kms prints, colours removed. */
  log?: Progress;
  onProgress?: Progress;
  readyTimeoutMs?: number;
}

export interface LocalKmsKey {
  id: string;
  arn: string;
  alias: string;
}

export interface LocalKms {
  /** For the SDK's `endpoint`, e.g. http://127.0.0.1:43121 */
  endpoint: string;
  port: number;
  region: string;
  accountId: string;
  /** The seeded key; undefined when `seedKey` was false. */
  key?: LocalKmsKey;
  /** Settles if local-kms ends on its own. */
  exited: Promise<ExitInfo>;
  stop(): Promise<void>;
}

/** The environment local-kms reads its settings from (see its README, "Configuration"). */
export function localKmsEnv(input: {
  port: number;
  region: string;
  accountId: string;
  dataPath: string;
  seedPath?: string;
}): NodeJS.ProcessEnv {
  return {
    PORT: String(input.port),
    KMS_REGION: input.region,
    KMS_ACCOUNT_ID: input.accountId,
    KMS_DATA_PATH: input.dataPath,
    // Unset, local-kms would read /init/seed.yaml; a path that does not exist means "no seed".
    KMS_SEED_PATH: input.seedPath ?? join(input.dataPath, 'no-seed.yaml'),
  };
}

/** A seed file (local-kms's format) creating one AES key with the given backing key and an alias. */
export function localKmsSeedYaml(backingKeyHex: string): string {
  if (!/^[0-9a-f]{64}$/.test(backingKeyHex)) throw new Error('a backing key is 32 bytes in hex');
  return [
    'Keys:',
    '  Symmetric:',
    '    Aes:',
    '      - Metadata:',
    `          KeyId: ${LOCAL_KMS_KEY_ID}`,
    '          Description: Warden test master key',
    '        BackingKeys:',
    `          - ${backingKeyHex}`,
    'Aliases:',
    `  - AliasName: ${LOCAL_KMS_KEY_ALIAS}`,
    `    TargetKeyId: ${LOCAL_KMS_KEY_ID}`,
    '',
  ].join('\n');
}

/** Starts local-kms and resolves once it answers a KMS request (DescribeKey of the seeded key). */
export async function startLocalKms(opts: LocalKmsOptions): Promise<LocalKms> {
  const binary = opts.binaryPath ?? (await ensureLocalKms({ onProgress: opts.onProgress }));
  const dataDir = resolve(opts.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '111122223333';
  const port = opts.port ?? (await freePort());
  const seedPath = opts.seedKey === false ? undefined : await writeSeedOnce(dataDir);
  const env = localKmsEnv({ port, region, accountId, dataPath: join(dataDir, 'db'), seedPath });
  const child = startProcess(binary, [], {
    env: { PATH: process.env.PATH, ...env },
    onLine: (line) => opts.log?.(line.replace(ANSI_COLOUR, '').trimEnd()),
  });
  const endpoint = `http://${HOST}:${port}`;
  const key =
    seedPath === undefined
      ? undefined
      : {
          id: LOCAL_KMS_KEY_ID,
          arn: `arn:aws:kms:${region}:${accountId}:key/${LOCAL_KMS_KEY_ID}`,
          alias: LOCAL_KMS_KEY_ALIAS,
        };
  try {
    await waitUntilAnswering(child, endpoint, key, opts.readyTimeoutMs ?? 30_000);
  } catch (error) {
    await child.stop('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    port,
    region,
    accountId,
    ...(key === undefined ? {} : { key }),
    exited: child.exited,
    async stop() {
      await child.stop('SIGTERM', 5_000);
    },
  };
}

/** Written once per data folder, 0600: the backing key is the master key of everything it wraps. */
async function writeSeedOnce(dataDir: string): Promise<string> {
  const path = join(dataDir, 'seed.yaml');
  try {
    const handle = await openFile(path, 'wx', 0o600);
    try {
      await handle.writeFile(localKmsSeedYaml(randomBytes(32).toString('hex')));
    } finally {
      await handle.close();
    }
  } catch (error) {
    // Already seeded on an earlier start: local-kms never overwrites a key it holds anyway.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return path;
}

async function waitUntilAnswering(
  child: ManagedProcess,
  endpoint: string,
  key: LocalKmsKey | undefined,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const [target, body] = key === undefined ? ['ListKeys', {}] : ['DescribeKey', { KeyId: key.alias }];
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.hasExited()) {
      const exit = await child.exited;
      throw new DevstackError(
        'LOCAL_KMS_START_FAILED',
        `local-kms ${describeExit(exit)} before answering on ${endpoint}:\n${child.recentOutput().join('\n')}`,
      );
    }
    try {
      const response = await fetch(`${endpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `TrentService.${target}`,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(2_000),
      });
      if (response.ok) return;
      last = `${target}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  throw new DevstackError(
    'LOCAL_KMS_START_FAILED',
    `local-kms did not answer ${target} on ${endpoint} within ${timeoutMs} ms (last: ${last}):\n` +
      child.recentOutput().join('\n'),
  );
}
