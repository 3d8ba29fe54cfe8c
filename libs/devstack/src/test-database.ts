import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type ClientConfig } from 'pg';
import { startPostgres } from './postgres';

export interface TestDatabase {
  url: string;
  /** `machine`: a fresh database on the local server; `embedded`: a throwaway cluster. */
  source: 'machine' | 'embedded';
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Reads PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE; default process.env. */
  env?: NodeJS.ProcessEnv;
  onProgress?: (line: string) => void;
}

/** The machine's server as the PG* variables describe it, defaulting to 127.0.0.1:5432 `test`. */
export function machineServerConfig(env: NodeJS.ProcessEnv): ClientConfig {
  return {
    host: env.PGHOST || '127.0.0.1',
    port: Number(env.PGPORT || 5432),
    user: env.PGUSER || 'postgres',
    password: env.PGPASSWORD || undefined,
    database: env.PGDATABASE || 'test',
  };
}

/** A name that sorts by creation time and never collides between concurrent runs. */
export function testDatabaseName(
  now: Date = new Date(),
  suffix: string = randomBytes(4).toString('hex'),
): string {
  return `warden_test_${now.getTime()}_${suffix}`;
}

export function connectionUrl(config: ClientConfig, database: string): string {
  const auth = `${encodeURIComponent(String(config.user))}${config.password ? `:${encodeURIComponent(String(config.password))}` : ''}`;
  const host = String(config.host);
  // A socket folder cannot sit in the authority part; a ?host= parameter overrides it.
  if (host.startsWith('/')) {
    return `postgresql://${auth}@localhost:${config.port}/${database}?host=${encodeURIComponent(host)}`;
  }
  return `postgresql://${auth}@${host}:${config.port}/${database}`;
}

async function withClient<T>(config: ClientConfig, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionTimeoutMillis: 3000, ...config });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function answers(config: ClientConfig): Promise<boolean> {
  try {
    await withClient(config, (client) => client.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

/**
 * A fresh, empty database for one test run: on the machine's PostgreSQL when it answers,
 * otherwise on an embedded cluster in a temporary folder. `drop()` removes it again.
 */
export async function createTestDatabase(opts: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const env = opts.env ?? process.env;
  const progress = opts.onProgress ?? (() => undefined);
  const admin = machineServerConfig(env);
  if (await answers(admin)) {
    const name = testDatabaseName();
    await withClient(admin, (c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`));
    progress(`created database ${name} on ${admin.host}:${admin.port}`);
    return {
      url: connectionUrl(admin, name),
      source: 'machine',
      drop: async () => {
        await withClient(admin, (c) =>
          c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`),
        );
      },
    };
  }

  progress(`no PostgreSQL answers at ${admin.host}:${admin.port}; starting an embedded one`);
  const dataDir = await mkdtemp(join(tmpdir(), 'warden-test-pg-'));
  try {
    const server = await startPostgres({ dataDir, env: {}, onProgress: progress });
    return {
      url: server.url,
      source: 'embedded',
      drop: async () => {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
