import { randomUUID } from 'node:crypto';
import { DEFAULT_TENANT_ID } from '@warden/engine';
import type { WorkflowDefinition } from '@warden/definition';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { prepareDatabase } from './app-role';
import { createDataSource, runMigrations } from './data-source';
import { PersistenceError } from './persistence.errors';
import { RunRepository } from './run.repository';
import type { TenantScope } from './tenant-scope';
import { WorkflowRepository, sourceChecksum } from './workflow.repository';

const baseUrl = process.env.DATABASE_URL!;

/** A database of our own on the test server, so dropping tables cannot disturb other suites. */
async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `warden_persistence_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

function aDefinition(name: string, overrides: Partial<WorkflowDefinition> = {}): WorkflowDefinition {
  return { name, version: '1.0', inputs: {}, steps: [{ id: 'noop', type: 'noop' }], ...overrides };
}

describe('schema and migrations', () => {
  it('migrations produce exactly the schema the entities describe, and revert cleanly', async () => {
    const db = await scratchDatabase();
    try {
      expect(await runMigrations(db.url)).toEqual([
        'InitialSchema1732262400000',
        'TenancyIdentityAudit1732348800000',
        'PluginRegistry1732435200000',
        'CredentialsVault1733097600000',
        'KeyRotation1733184000000',
      ]);
      expect(await runMigrations(db.url)).toEqual([]);

      const ds = await createDataSource(db.url).initialize();
      try {
        const pending = await ds.driver.createSchemaBuilder().log();
        expect(pending.upQueries.map((q) => q.query)).toEqual([]);

        const [tenant] = await ds.query(`SELECT id, slug FROM tenants`);
        expect(tenant).toEqual({ id: DEFAULT_TENANT_ID, slug: 'default' });

        await ds.undoLastMigration({ transaction: 'all' });
        const reseal = await ds.query(
          `SELECT proname FROM pg_proc WHERE proname = 'warden_reseal_credential_version'`,
        );
        expect(reseal).toEqual([]);
        await ds.undoLastMigration({ transaction: 'all' });
        const vaultTables = await ds.query(
          `SELECT table_name FROM information_schema.tables
            WHERE table_name IN ('tenant_data_keys', 'credentials', 'credential_versions')`,
        );
        expect(vaultTables).toEqual([]);
        await ds.undoLastMigration({ transaction: 'all' });
        const pluginTables = await ds.query(
          `SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%plugin%'`,
        );
        expect(pluginTables).toEqual([]);
        await ds.undoLastMigration({ transaction: 'all' });
        const columns = await ds.query(
          `SELECT column_name FROM information_schema.columns WHERE table_name = 'tenants' ORDER BY 1`,
        );
        expect(columns.map((c: { column_name: string }) => c.column_name)).toEqual([
          'created_at',
          'id',
          'name',
          'slug',
        ]);
        const forced = await ds.query(`SELECT relname FROM pg_class WHERE relforcerowsecurity`);
        expect(forced).toEqual([]);
        await ds.undoLastMigration({ transaction: 'all' });
        const tables = await ds.query(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
        );
        expect(tables).toEqual([{ table_name: 'warden_migrations' }]);
        const functions = await ds.query(
          `SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace`,
        );
        expect(functions).toEqual([]);
      } finally {
        await ds.destroy();
      }
    } finally {
      await db.drop();
    }
  });
});

describe('repositories', () => {
  let ds: DataSource;
  let workflows: WorkflowRepository;
  let runs: RunRepository;
  const tenantA: TenantScope = { tenantId: DEFAULT_TENANT_ID };
  const tenantB: TenantScope = { tenantId: randomUUID() };
  const suffix = randomUUID().slice(0, 8);

  beforeAll(async () => {
    // As the API runs: the owner prepares the database, the repositories connect as the app role.
    const { appUrl } = await prepareDatabase(baseUrl);
    ds = await createDataSource(appUrl).initialize();
    expect((await ds.query(`SELECT current_user AS role`))[0].role).toBe('warden_app');
    await ds.query(`INSERT INTO tenants (id, slug, name) VALUES ($1, $2, 'Tenant B')`, [
      tenantB.tenantId,
      `b-${suffix}`,
    ]);
    workflows = new WorkflowRepository(ds);
    runs = new RunRepository(ds);
  });
  afterAll(async () => {
    await ds.destroy();
  });

  it('keeps versions immutable and numbered, and names unique per tenant only', async () => {
    const name = `wf-${suffix}`;
    const created = await workflows.create(tenantA, {
      source: 'v1',
      format: 'yaml',
      definition: aDefinition(name),
    });
    expect(created.version).toMatchObject({ version: 1, checksum: sourceChecksum('v1') });
    expect(created.version.createdAt).toBeInstanceOf(Date);

    const second = await workflows.addVersion(tenantA, created.workflow.id, {
      source: 'v2',
      format: 'json',
      definition: aDefinition(name, { description: 'two' }),
    });
    expect(second?.workflow.currentVersion).toBe(2);
    expect(
      (await workflows.listVersions(tenantA, created.workflow.id)).map((v) => [v.version, v.source]),
    ).toEqual([
      [2, 'v2'],
      [1, 'v1'],
    ]);
    expect((await workflows.currentVersions(tenantA, [second!.workflow]))[0]?.source).toBe('v2');

    await expect(
      workflows.create(tenantA, { source: 'again', format: 'yaml', definition: aDefinition(name) }),
    ).rejects.toEqual(
      new PersistenceError('workflow_name_taken', `a workflow named '${name}' already exists`),
    );
    await expect(
      workflows.create(tenantB, { source: 'b', format: 'yaml', definition: aDefinition(name) }),
    ).resolves.toBeDefined();
  });

  it('never returns another tenant’s rows', async () => {
    const { workflow } = await workflows.create(tenantA, {
      source: 'x',
      format: 'yaml',
      definition: aDefinition(`private-${suffix}`),
    });
    expect(await workflows.findById(tenantB, workflow.id)).toBeUndefined();
    expect(await workflows.listVersions(tenantB, workflow.id)).toEqual([]);
    expect(
      await workflows.addVersion(tenantB, workflow.id, {
        source: 'y',
        format: 'yaml',
        definition: aDefinition('p'),
      }),
    ).toBeUndefined();
    expect((await workflows.list(tenantB, { name: `private-${suffix}` })).length).toBe(0);

    const { run } = await runs.create(tenantA, aRun(workflow.id));
    expect(await runs.findById(tenantB, run.id)).toBeUndefined();
    expect(await runs.list(tenantB, { workflowId: workflow.id })).toEqual([]);
  });

  it('treats malformed ids as not found instead of failing', async () => {
    expect(await workflows.findById(tenantA, 'not-a-uuid')).toBeUndefined();
    expect(await runs.findById(tenantA, '1234')).toBeUndefined();
  });

  it('returns the same run for a repeated idempotency key, per tenant', async () => {
    const { workflow } = await workflows.create(tenantA, {
      source: 's',
      format: 'yaml',
      definition: aDefinition(`idem-${suffix}`),
    });
    const first = await runs.create(tenantA, { ...aRun(workflow.id), idempotencyKey: 'key-1' });
    const again = await runs.create(tenantA, { ...aRun(workflow.id), idempotencyKey: 'key-1' });
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, run: { id: first.run.id } });

    const { workflow: wfB } = await workflows.create(tenantB, {
      source: 's',
      format: 'yaml',
      definition: aDefinition(`idem-${suffix}`),
    });
    const otherTenant = await runs.create(tenantB, { ...aRun(wfB.id), idempotencyKey: 'key-1' });
    expect(otherTenant.created).toBe(true);
  });

  it('mirrors statuses forward only', async () => {
    const { workflow } = await workflows.create(tenantA, {
      source: 's',
      format: 'yaml',
      definition: aDefinition(`mirror-${suffix}`),
    });
    const { run } = await runs.create(tenantA, aRun(workflow.id));
    expect(run.status).toBe('pending');
    await runs.markStarted(tenantA, run.id, new Date());
    const done = await runs.mirrorStatus(tenantA, run.id, {
      status: 'failed',
      error: { code: 'assertion_failed', message: 'nope', stepId: 'a' },
      result: { runId: run.id },
      finishedAt: new Date(),
    });
    expect(done).toMatchObject({
      status: 'failed',
      error: { code: 'assertion_failed' },
      result: { runId: run.id },
    });
    const late = await runs.mirrorStatus(tenantA, run.id, { status: 'running' });
    expect(late?.status).toBe('failed');
    expect((await runs.listActive(tenantA, { workflowId: workflow.id })).length).toBe(0);
    expect(
      (await runs.list(tenantA, { workflowId: workflow.id, status: 'failed' })).map((r) => r.id),
    ).toEqual([run.id]);
  });
});

function aRun(workflowId: string) {
  const id = randomUUID();
  return {
    id,
    workflowId,
    workflowVersion: 1,
    inputs: { name: 'Ada' },
    profile: 'elevated' as const,
    temporalWorkflowId: `warden-run-${id}`,
  };
}
