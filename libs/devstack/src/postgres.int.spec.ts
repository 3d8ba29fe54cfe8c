import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startPostgres } from './postgres';

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('startPostgres', () => {
  it('uses DATABASE_URL as is, starting nothing', async () => {
    const url = 'postgresql://someone@db.example:5432/x';
    const server = await startPostgres({ dataDir: '/nonexistent/never-created', env: { DATABASE_URL: url } });
    expect(server).toMatchObject({ url, source: 'env' });
    await server.stop();
    await expect(stat('/nonexistent/never-created')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  // The one slow test: a real embedded cluster, created, used, stopped, restarted with its data.
  it('runs an embedded PostgreSQL in a folder, keeps its data across a restart, and stops', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'warden-pg-'));
    try {
      const first = await startPostgres({ dataDir, env: {} });
      expect(first.source).toBe('embedded');
      expect(first.url).toMatch(/^postgresql:\/\/warden:[^@]+@127\.0\.0\.1:\d+\/warden$/);
      expect(await query(first.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
      await query(first.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
      await first.stop();
      await expect(query(first.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);

      const second = await startPostgres({ dataDir, env: {} });
      try {
        expect(await query(second.url, 'SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
        // The password is required: the cluster does not trust local connections.
        const withoutPassword = second.url.replace(/:[^:@/]+@/, '@');
        await expect(query(withoutPassword, 'SELECT 1')).rejects.toThrow(/password/i);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
