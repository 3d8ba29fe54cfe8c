import { randomUUID } from 'node:crypto';
import { DEFAULT_TENANT_ID } from '@warden/engine';
import type { DataSource, Logger } from 'typeorm';
import { ensureAppRole, prepareDatabase } from './app-role';
import { createDataSource } from './data-source';
import { PersistenceError } from './persistence.errors';
import { RunRepository } from './run.repository';
import { withTenant } from './tenant-db';
import { WorkflowRepository } from './workflow.repository';
import { Client } from 'pg';

const ownerUrl = process.env.DATABASE_URL!;
const tenant = { tenantId: DEFAULT_TENANT_ID };

/** Counts statements sent: with pg, one statement (or one multi-statement string) is one round trip. */
class StatementCounter implements Logger {
  statements: string[] = [];
  logQuery(query: string): void {
    this.statements.push(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

describe('withTenant', () => {
  let appUrl: string;
  let ds: DataSource;
  const counter = new StatementCounter();

  beforeAll(async () => {
    ({ appUrl } = await prepareDatabase(ownerUrl));
    // One connection: every test below also proves the connection comes back to the pool clean.
    ds = await createDataSource(appUrl, { poolSize: 1, logger: counter }).initialize();
  });
  afterAll(async () => {
    await ds.destroy();
  });

  it('sets the tenant for the transaction only', async () => {
    const inside = await withTenant(ds, tenant, ({ manager }) =>
      manager.query(`SELECT current_setting('warden.tenant_id') AS t`),
    );
    expect(inside).toEqual([{ t: DEFAULT_TENANT_ID }]);
    expect(await ds.query(`SELECT current_setting('warden.tenant_id', true) AS t`)).toEqual([{ t: '' }]);
  });

  it('costs one round trip to begin and one to commit around the statements', async () => {
    const workflows = new WorkflowRepository(ds);
    const { workflow } = await workflows.create(tenant, {
      source: 's',
      format: 'yaml',
      definition: {
        name: `rt-${randomUUID()}`,
        version: '1.0',
        inputs: {},
        steps: [{ id: 'a', type: 'noop' }],
      },
    });
    counter.statements = [];
    expect((await workflows.findPinned(tenant, workflow.id))?.version?.version).toBe(1);
    expect(counter.statements).toHaveLength(3);
    expect(counter.statements[0]).toMatch(/^START TRANSACTION; SELECT set_config/);
    expect(counter.statements[2]).toBe('COMMIT');

    // Joined: the start path reads the pinned version and records the run in one transaction.
    const runs = new RunRepository(ds);
    counter.statements = [];
    await withTenant(ds, tenant, async (tx) => {
      const pinned = await workflows.findPinned(tx, workflow.id);
      const id = randomUUID();
      await runs.create(tx, {
        id,
        workflowId: pinned!.workflow.id,
        workflowVersion: 1,
        inputs: {},
        profile: 'standard',
        temporalWorkflowId: `t-${id}`,
      });
    });
    expect(counter.statements).toHaveLength(4);
  });

  it('rolls back everything when the callback throws, and the connection stays usable', async () => {
    const name = `rollback-${randomUUID()}`;
    const workflows = new WorkflowRepository(ds);
    await expect(
      withTenant(ds, tenant, async (tx) => {
        await workflows.create(tx, {
          source: 's',
          format: 'yaml',
          definition: { name, version: '1.0', inputs: {}, steps: [{ id: 'a', type: 'noop' }] },
        });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await workflows.list(tenant, { name })).toEqual([]);
    // A statement error inside (an RLS refusal) also rolls back cleanly.
    await expect(
      withTenant(ds, tenant, ({ manager }) =>
        manager.query(
          `INSERT INTO workflows (id, tenant_id, name, current_version) VALUES ($1, $2, 'x', 1)`,
          [randomUUID(), randomUUID()],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    expect(await ds.query(`SELECT 1 AS ok`)).toEqual([{ ok: 1 }]);
  });

  it('refuses a tenant id that is not a uuid before touching the database', async () => {
    counter.statements = [];
    await expect(withTenant(ds, { tenantId: `x'); DROP TABLE runs; --` }, async () => 1)).rejects.toEqual(
      new PersistenceError('invalid_tenant_id', 'the tenant id of a scope must be a uuid'),
    );
    expect(counter.statements).toEqual([]);
  });
});

describe('ensureAppRole', () => {
  it('is idempotent, takes dangerous attributes away again, and sets a password', async () => {
    const role = `warden_app_t${randomUUID().slice(0, 8)}`;
    const owner = new Client({ connectionString: ownerUrl });
    await owner.connect();
    try {
      await ensureAppRole(ownerUrl, { role });
      await ensureAppRole(ownerUrl, { role });
      await owner.query(`ALTER ROLE ${role} BYPASSRLS CREATEDB CREATEROLE`);
      await ensureAppRole(ownerUrl, { role, password: 'correct horse' });
      const { rows } = await owner.query(
        `SELECT rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, rolpassword IS NOT NULL AS has_password
           FROM pg_authid WHERE rolname = $1`,
        [role],
      );
      expect(rows).toEqual([
        {
          rolsuper: false,
          rolbypassrls: false,
          rolcreatedb: false,
          rolcreaterole: false,
          has_password: true,
        },
      ]);
      await expect(ensureAppRole(ownerUrl, { role: 'Robert"); DROP' })).rejects.toThrow(RangeError);
    } finally {
      await owner.query(`DROP OWNED BY ${role}`);
      await owner.query(`DROP ROLE ${role}`);
      await owner.end();
    }
  });
});
