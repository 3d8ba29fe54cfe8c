import { Client } from 'pg';
import { prepareDatabase } from './app-role';
import { aRow, insertRow, seedTenant, TENANT_OWNED_TABLES, type TenantParents } from './testing/tenant-rows';

const ownerUrl = process.env.DATABASE_URL!;

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

/** The SQLSTATE and message a statement fails with (undefined: it succeeded). */
async function failure(client: Client, sql: string, params: unknown[] = []) {
  try {
    await client.query(sql, params);
    return undefined;
  } catch (err) {
    const { code, message } = err as { code: string; message: string };
    return { code, message };
  }
}

async function asTenant<T>(client: Client, tenantId: string, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT set_config('warden.tenant_id', $1, true)`, [tenantId]);
    return await fn();
  } finally {
    await client.query('ROLLBACK');
  }
}

async function tenantsSeen(client: Client, table: string): Promise<string[]> {
  const { rows } = await client.query<{ tenant_id: string }>(
    `SELECT DISTINCT tenant_id FROM "${table}" ORDER BY 1`,
  );
  return rows.map((r) => r.tenant_id);
}

describe('row-level security and the application role', () => {
  let owner: Client;
  let app: Client;
  let a: TenantParents;
  let b: TenantParents;

  beforeAll(async () => {
    const { appUrl } = await prepareDatabase(ownerUrl);
    owner = await connect(ownerUrl);
    app = await connect(appUrl);
    a = await seedTenant(owner);
    b = await seedTenant(owner);
  });
  afterAll(async () => {
    await app.end();
    await owner.end();
  });

  it('forces a tenant_isolation policy on exactly the tables that carry tenant_id', async () => {
    const { rows } = await owner.query<{ table: string; rls: boolean; forced: boolean; policies: number }>(`
      SELECT c.relname AS table, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
             (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
        FROM pg_class c JOIN information_schema.columns col
          ON col.table_schema = 'public' AND col.table_name = c.relname AND col.column_name = 'tenant_id'
       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
       ORDER BY 1`);
    expect(rows.map((r) => r.table)).toEqual([...TENANT_OWNED_TABLES]);
    for (const row of rows) expect(row).toMatchObject({ rls: true, forced: true, policies: 1 });
  });

  it.each(TENANT_OWNED_TABLES)(
    '%s: no rows without a tenant, only the tenant’s own with one',
    async (table) => {
      expect(await tenantsSeen(app, table)).toEqual([]);
      expect(await asTenant(app, a.tenantId, () => tenantsSeen(app, table))).toEqual([a.tenantId]);
      expect(await asTenant(app, b.tenantId, () => tenantsSeen(app, table))).toEqual([b.tenantId]);
      // After a transaction the setting reads '' rather than NULL: still no rows.
      expect(await tenantsSeen(app, table)).toEqual([]);
      // The owner, for comparison, sees both tenants.
      expect(await tenantsSeen(owner, table)).toEqual(expect.arrayContaining([a.tenantId, b.tenantId]));
    },
  );

  it.each(TENANT_OWNED_TABLES)('%s: refuses a row of another tenant', async (table) => {
    const refused = await asTenant(app, a.tenantId, () => insertInto(table));
    expect(refused).toMatchObject({ code: '42501' });
    expect(refused?.message).toMatch(/row-level security/);
  });

  async function insertInto(table: (typeof TENANT_OWNED_TABLES)[number]) {
    try {
      await insertRow(app, table, aRow(table, b));
      return undefined;
    } catch (err) {
      return err as { code: string; message: string };
    }
  }

  it('refuses moving a row to another tenant', async () => {
    const moved = await asTenant(app, a.tenantId, () =>
      failure(app, `UPDATE workflows SET tenant_id = $1 WHERE id = $2`, [b.tenantId, a.workflowId]),
    );
    expect(moved).toMatchObject({ code: '42501' });
  });

  it('gives the app role no way around the policies and no ownership', async () => {
    const { rows } = await owner.query(
      `SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolcanlogin FROM pg_roles WHERE rolname = 'warden_app'`,
    );
    expect(rows).toEqual([
      { rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false, rolcanlogin: true },
    ]);
    const owned = await owner.query(`
      SELECT c.relname FROM pg_class c WHERE c.relowner = 'warden_app'::regrole
      UNION ALL SELECT p.proname FROM pg_proc p WHERE p.proowner = 'warden_app'::regrole`);
    expect(owned.rows).toEqual([]);
    expect(await failure(app, 'SELECT * FROM warden_migrations')).toMatchObject({ code: '42501' });
    expect(await failure(app, 'ALTER TABLE workflows DISABLE ROW LEVEL SECURITY')).toMatchObject({
      code: '42501',
    });
    // row_security = off does not bypass anything: it turns a filtered query into an error.
    expect(await failure(app, `SET row_security = off; SELECT * FROM workflows`)).toMatchObject({
      code: '42501',
    });
    await app.query('RESET row_security');
  });

  it('lets the app role append to audit_events but never change or remove them', async () => {
    await asTenant(app, a.tenantId, async () => {
      expect(await failure(app, `UPDATE audit_events SET action = 'x.y'`)).toMatchObject({ code: '42501' });
    });
    await asTenant(app, a.tenantId, async () => {
      expect(await failure(app, `DELETE FROM audit_events`)).toMatchObject({ code: '42501' });
    });
    expect(await failure(app, `TRUNCATE audit_events`)).toMatchObject({ code: '42501' });
    const { rows } = await owner.query(`
      SELECT string_agg(privilege_type, ',' ORDER BY privilege_type) AS privileges
        FROM information_schema.role_table_grants
       WHERE table_name = 'audit_events' AND grantee IN ('warden_app', 'PUBLIC')`);
    expect(rows[0].privileges).toBe('INSERT,SELECT');
  });

  it('lets the app role change a plugin version’s status only, and no source, digest or pin', async () => {
    await asTenant(app, a.tenantId, async () => {
      expect(await failure(app, `UPDATE plugin_versions SET status = 'ACTIVE'`)).toBeUndefined();
    });
    for (const sql of [
      `UPDATE plugin_versions SET digest = 'x'`,
      `UPDATE plugin_versions SET manifest = '{}'`,
      `UPDATE plugin_versions SET source_sha256 = 'x'`,
      `UPDATE plugin_versions SET signature = 'x'`,
      `UPDATE plugin_blobs SET content = 'x'`,
      `UPDATE workflow_plugin_pins SET digest = 'x'`,
      `UPDATE plugins SET plugin_key = 'x.y'`,
      `UPDATE plugin_publisher_keys SET public_key_pem = 'x'`,
      `DELETE FROM plugin_versions`,
      `DELETE FROM plugin_blobs`,
      `DELETE FROM plugins`,
    ]) {
      await asTenant(app, a.tenantId, async () => {
        expect({ sql, refused: await failure(app, sql) }).toMatchObject({ sql, refused: { code: '42501' } });
      });
    }
  });

  it('makes the trigger refuse UPDATE, DELETE and TRUNCATE even to the owner', async () => {
    for (const sql of [
      `UPDATE audit_events SET action = 'x.y'`,
      `DELETE FROM audit_events`,
      `TRUNCATE audit_events`,
    ]) {
      const refused = await failure(owner, sql);
      expect(refused?.message).toMatch(
        /audit_events is append-only: (UPDATE|DELETE|TRUNCATE) is not allowed/,
      );
    }
    expect(
      (await owner.query(`SELECT count(*)::int AS n FROM audit_events`)).rows[0].n,
    ).toBeGreaterThanOrEqual(2);
  });

  it('finds a credential’s tenant only through the lookup functions, and only tenant and id', async () => {
    const { rows: keys } = await owner.query(`SELECT id, hash FROM api_keys WHERE tenant_id = $1`, [
      b.tenantId,
    ]);
    const { rows: tokens } = await owner.query(
      `SELECT id, token_hash FROM refresh_tokens WHERE tenant_id = $1`,
      [b.tenantId],
    );
    expect((await app.query(`SELECT * FROM api_keys WHERE hash = $1`, [keys[0].hash])).rows).toEqual([]);
    expect((await app.query(`SELECT * FROM warden_lookup_api_key($1)`, [keys[0].hash])).rows).toEqual([
      { tenant_id: b.tenantId, id: keys[0].id },
    ]);
    expect(
      (await app.query(`SELECT * FROM warden_lookup_refresh_token($1)`, [tokens[0].token_hash])).rows,
    ).toEqual([{ tenant_id: b.tenantId, id: tokens[0].id }]);
    expect((await app.query(`SELECT * FROM warden_lookup_refresh_token($1)`, ['f'.repeat(64)])).rows).toEqual(
      [],
    );
    const publicGrants = await owner.query(`
      SELECT p.proname FROM pg_proc p, aclexplode(p.proacl) acl
       WHERE p.proname LIKE 'warden_lookup_%' AND acl.grantee = 0`);
    expect(publicGrants.rows).toEqual([]);
  });
});
