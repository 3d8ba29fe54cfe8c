import { Client } from 'pg';
import { stat } from 'node:fs/promises';
import { freePort } from './ports';
import { createTestDatabase, machineServerConfig } from './test-database';

async function databaseExists(name: string): Promise<boolean> {
  const client = new Client(machineServerConfig(process.env));
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  it('creates a fresh, empty database on the machine PostgreSQL and drops it', async () => {
    const db = await createTestDatabase();
    expect(db.source).toBe('machine');
    const name = new URL(db.url).pathname.slice(1);
    expect(name).toMatch(/^warden_test_\d+_[0-9a-f]{8}$/);

    const client = new Client({ connectionString: db.url });
    await client.connect();
    const tables = await client.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
    expect(tables.rows).toEqual([{ n: 0 }]);
    // An open connection must not keep the database alive: drop forces it out.
    client.on('error', () => undefined);
    await db.drop();
    expect(await databaseExists(name)).toBe(false);
    await client.end().catch(() => undefined);
  });

  it('gives two callers two different databases', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      expect(a.url).not.toBe(b.url);
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  });

  it('falls back to an embedded PostgreSQL when the machine has none, and removes it on drop', async () => {
    const progress: string[] = [];
    const closedPort = String(await freePort());
    const db = await createTestDatabase({ env: { PGPORT: closedPort }, onProgress: (l) => progress.push(l) });
    expect(db.source).toBe('embedded');
    const client = new Client({ connectionString: db.url });
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await client.end();
    await db.drop();
    const folder = /data in (\S+)\/pgdata/.exec(progress.join('\n'))?.[1];
    expect(folder).toBeDefined();
    await expect(stat(folder!)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
