import { randomBytes } from 'node:crypto';
import { chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { describeExit, startProcess, type ExitInfo, type ManagedProcess } from './child-process';
import { DevstackError } from './errors';
import { findPostgresBinaries, grantTraverse, postgresRunAs, type RunAs } from './postgres-host';
import { freePort } from './ports';

const HOST = '127.0.0.1';
const SUPERUSER = 'warden';
const DATABASE = 'warden';

export interface StartPostgresOptions {
  /** Cluster files live in `${dataDir}/pgdata`; they survive restarts. */
  dataDir: string;
  /** Default: a free port. */
  port?: number;
  onProgress?: (line: string) => void;
  /** Every line the server prints. */
  log?: (line: string) => void;
  /** Environment to read DATABASE_URL from; default process.env. */
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}

export interface PostgresServer {
  url: string;
  source: 'env' | 'embedded';
  /** Settles if the embedded server ends on its own; never settles for DATABASE_URL. */
  exited: Promise<ExitInfo>;
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

/** A child's environment: a fixed locale so messages and collation do not depend on the host. */
function postgresEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, LC_ALL: 'C', LANG: 'C' };
}

export function postgresUrl(c: Credentials, port: number, database: string): string {
  return `postgresql://${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}@${HOST}:${port}/${database}`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * DATABASE_URL when set; otherwise an embedded PostgreSQL whose cluster lives under `dataDir`
 * (created on first use with a random password kept in `${dataDir}/credentials.json`).
 */
export async function startPostgres(opts: StartPostgresOptions): Promise<PostgresServer> {
  const env = opts.env ?? process.env;
  if (env.DATABASE_URL) {
    const exited = new Promise<ExitInfo>(() => undefined);
    return { url: env.DATABASE_URL, source: 'env', exited, stop: async () => undefined };
  }

  const progress = opts.onProgress ?? (() => undefined);
  const dataDir = resolve(opts.dataDir);
  const pgdata = join(dataDir, 'pgdata');
  const binaries = await findPostgresBinaries();
  const runAs = await postgresRunAs(progress);
  await mkdir(dataDir, { recursive: true });
  if (runAs) {
    await grantTraverse(dataDir, progress);
    await grantTraverse(binaries.root, progress);
  }

  const credentials = (await exists(join(pgdata, 'PG_VERSION')))
    ? await readCredentials(dataDir)
    : await initCluster(binaries.initdb, dataDir, pgdata, runAs, progress);

  const port = opts.port ?? (await freePort());
  progress(`starting PostgreSQL on ${HOST}:${port} (data in ${pgdata})`);
  const child = startProcess(
    binaries.postgres,
    ['-D', pgdata, '-p', String(port), '-c', `listen_addresses=${HOST}`, '-c', 'unix_socket_directories='],
    { cwd: dataDir, env: postgresEnv(), uid: runAs?.uid, gid: runAs?.gid, onLine: (l) => opts.log?.(l) },
  );
  try {
    await waitUntilReady(child, credentials, port, opts.readyTimeoutMs ?? 60_000);
    await ensureDatabase(credentials, port, DATABASE);
  } catch (error) {
    await child.stop('SIGKILL');
    throw error;
  }
  return {
    url: postgresUrl(credentials, port, DATABASE),
    source: 'embedded',
    exited: child.exited,
    async stop() {
      // SIGINT is PostgreSQL's "fast" shutdown: disconnect clients, checkpoint, exit.
      await child.stop('SIGINT', 20_000);
    },
  };
}

async function readCredentials(dataDir: string): Promise<Credentials> {
  const file = join(dataDir, 'credentials.json');
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    const { user, password } = parsed as Partial<Credentials>;
    if (typeof user === 'string' && typeof password === 'string') return { user, password };
  } catch {
    // reported below
  }
  throw new DevstackError(
    'POSTGRES_CREDENTIALS_MISSING',
    `${file} is missing or unreadable, so the cluster next to it cannot be used; delete ${dataDir} to start afresh`,
    file,
  );
}

async function initCluster(
  initdb: string,
  dataDir: string,
  pgdata: string,
  runAs: RunAs | undefined,
  progress: (line: string) => void,
): Promise<Credentials> {
  progress(`creating a PostgreSQL cluster in ${pgdata}${runAs ? ` (owned by ${runAs.user})` : ''}`);
  const credentials = { user: SUPERUSER, password: randomBytes(24).toString('base64url') };
  await rm(pgdata, { recursive: true, force: true });
  await mkdir(pgdata, { mode: 0o700 });
  const pwfile = join(dataDir, `.initdb-password-${process.pid}`);
  await writeFile(pwfile, `${credentials.password}\n`, { mode: 0o600 });
  if (runAs) {
    await chown(pgdata, runAs.uid, runAs.gid);
    await chown(pwfile, runAs.uid, runAs.gid);
  }
  const args = ['-D', pgdata, '-U', SUPERUSER, `--pwfile=${pwfile}`, '--auth=scram-sha-256'];
  const child = startProcess(initdb, [...args, '--encoding=UTF8', '--locale=C', '--no-instructions'], {
    cwd: dataDir,
    env: postgresEnv(),
    uid: runAs?.uid,
    gid: runAs?.gid,
  });
  const exit = await child.exited;
  await rm(pwfile, { force: true });
  if (exit.code !== 0) {
    await rm(pgdata, { recursive: true, force: true });
    throw new DevstackError(
      'POSTGRES_INIT_FAILED',
      `initdb ${describeExit(exit)}:\n${child.recentOutput().join('\n')}`,
      pgdata,
    );
  }
  await writeFile(join(dataDir, 'credentials.json'), JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}

async function waitUntilReady(
  child: ManagedProcess,
  credentials: Credentials,
  port: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.hasExited()) {
      const exit = await child.exited;
      throw new DevstackError(
        'POSTGRES_START_FAILED',
        `PostgreSQL ${describeExit(exit)} before accepting connections on port ${port}:\n` +
          child.recentOutput().join('\n'),
      );
    }
    const client = new Client({
      ...connectionOf(credentials, port, 'postgres'),
      connectionTimeoutMillis: 1000,
    });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      lastError = (error as Error).message;
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
  throw new DevstackError(
    'POSTGRES_START_FAILED',
    `PostgreSQL did not accept connections on port ${port} within ${timeoutMs} ms (last error: ${lastError}):\n` +
      child.recentOutput().join('\n'),
  );
}

function connectionOf(c: Credentials, port: number, database: string) {
  return { host: HOST, port, user: c.user, password: c.password, database };
}

async function ensureDatabase(credentials: Credentials, port: number, database: string): Promise<void> {
  const client = new Client(connectionOf(credentials, port, 'postgres'));
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
