import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { prepareDatabase } from './app-role';
import {
  CredentialRepository,
  credentialFieldContext,
  type SealedCredentialValue,
} from './credential.repository';
import { createDataSource } from './data-source';
import type { TenantScope } from './tenant-scope';
import { withTenant } from './tenant-db';
import { WorkflowRepository } from './workflow.repository';

const ownerUrl = process.env.DATABASE_URL!;

/** Stand-in ciphertext: the repository never looks inside it. */
const sealed = (tag: string): SealedCredentialValue => ({
  ciphertext: `wdn1.${tag}`,
  keyVersion: 1,
  fieldNames: ['token'],
});

describe('CredentialRepository', () => {
  let ds: DataSource;
  let credentials: CredentialRepository;
  let scope: TenantScope;

  async function aCredential(name = `cred-${randomUUID().slice(0, 8)}`) {
    return credentials.create(scope, {
      id: randomUUID(),
      name,
      type: 'bearer',
      description: null,
      value: sealed('v1'),
      createdBy: 'user:test',
    });
  }

  beforeAll(async () => {
    const { appUrl } = await prepareDatabase(ownerUrl);
    ds = await createDataSource(appUrl).initialize();
    scope = { tenantId: randomUUID() };
    await ds.query(`INSERT INTO tenants (id, slug, name) VALUES ($1, $2, 'Vault')`, [
      scope.tenantId,
      `vault-${scope.tenantId}`,
    ]);
    credentials = new CredentialRepository(ds);
  });
  afterAll(async () => {
    await ds.destroy();
  });

  it('binds ciphertext to tenant, credential and version', () => {
    expect(credentialFieldContext('t', 'c', 3)).toEqual({
      tenantId: 't',
      table: 'credential_versions',
      recordId: 'c:3',
      field: 'data',
    });
  });

  it('refuses a second live credential of the same name, and frees the name on delete', async () => {
    const first = await aCredential();
    await expect(aCredential(first.credential.name)).rejects.toMatchObject({ code: 'credential_name_taken' });
    await credentials.softDelete(scope, first.credential.id, new Date());
    expect(await credentials.find(scope, first.credential.id)).toBeUndefined();
    expect((await aCredential(first.credential.name)).version.version).toBe(1);
  });

  it('resolves the current version, and older ones only while their grace lasts', async () => {
    const { credential } = await aCredential();
    const t0 = Date.now();
    const inAnHour = new Date(t0 + 3_600_000);
    await credentials.addVersion(scope, credential.id, 1, sealed('v2'), {
      previousValidUntil: inAnHour,
      createdBy: 'user:test',
    });
    const during = await credentials.resolveForUse(scope, credential.name, new Date(t0));
    expect(during).toMatchObject({
      credentialId: credential.id,
      type: 'bearer',
      version: 2,
      ciphertext: 'wdn1.v2',
      previous: [{ version: 1, ciphertext: 'wdn1.v1', validUntil: inAnHour }],
    });
    const after = await credentials.resolveForUse(scope, credential.name, new Date(t0 + 3_600_001));
    expect(after).toMatchObject({ version: 2, previous: [] });

    // An update ends every older version's validity at once, the one in grace included.
    const now = new Date();
    await credentials.addVersion(scope, credential.id, 2, sealed('v3'), {
      previousValidUntil: now,
      createdBy: 'user:test',
    });
    expect(await credentials.resolveForUse(scope, credential.name, now)).toMatchObject({
      version: 3,
      ciphertext: 'wdn1.v3',
      previous: [],
    });
  });

  it('refuses a version sealed for a number another write took', async () => {
    const { credential } = await aCredential();
    const write = () =>
      credentials.addVersion(scope, credential.id, 1, sealed('late'), {
        previousValidUntil: new Date(),
        createdBy: 'user:test',
      });
    await write();
    await expect(write()).rejects.toMatchObject({ code: 'version_conflict' });
  });

  it('resolves nothing once deleted, or for another tenant', async () => {
    const { credential } = await aCredential();
    const other: TenantScope = { tenantId: randomUUID() };
    await ds.query(`INSERT INTO tenants (id, slug, name) VALUES ($1, $2, 'Other')`, [
      other.tenantId,
      `other-${other.tenantId}`,
    ]);
    expect(await credentials.resolveForUse(other, credential.name, new Date())).toBeUndefined();
    expect(await credentials.find(other, credential.id)).toBeUndefined();
    expect(await credentials.list(other, { limit: 10 })).toEqual([]);
    await credentials.softDelete(scope, credential.id, new Date());
    expect(await credentials.resolveForUse(scope, credential.name, new Date())).toBeUndefined();
  });

  it('pages through live credentials by name with their current field names', async () => {
    const prefix = `page-${randomUUID().slice(0, 6)}`;
    for (const n of ['b', 'a', 'c']) await aCredential(`${prefix}-${n}`);
    const all = (await credentials.list(scope, { limit: 100 })).filter((c) =>
      c.credential.name.startsWith(prefix),
    );
    expect(all.map((c) => [c.credential.name, c.version.fieldNames])).toEqual([
      [`${prefix}-a`, ['token']],
      [`${prefix}-b`, ['token']],
      [`${prefix}-c`, ['token']],
    ]);
    const page = await credentials.list(scope, { after: `${prefix}-a`, limit: 1 });
    expect(page.map((c) => c.credential.name)).toEqual([`${prefix}-b`]);
  });

  it("finds the steps of workflows' current versions that name a credential", async () => {
    const name = `used-${randomUUID().slice(0, 8)}`;
    const workflows = new WorkflowRepository(ds);
    const step = (id: string, credentialsMap: Record<string, string>) => ({
      id,
      type: 'plugin',
      plugin: 'acme.x@^1',
      credentials: credentialsMap,
    });
    const created = await workflows.create(scope, {
      source: 's',
      format: 'yaml',
      definition: {
        name: `wf-${name}`,
        version: '1',
        inputs: {},
        steps: [step('a', { token: name }), step('b', { token: 'other' }), { id: 'c', type: 'noop' }],
      },
    });
    expect(await credentials.usage(scope, name)).toEqual([
      {
        workflowId: created.workflow.id,
        workflowName: `wf-${name}`,
        workflowVersion: 1,
        stepId: 'a',
        slot: 'token',
      },
    ]);
    // A newer version that no longer names it: only current versions count.
    await workflows.addVersion(scope, created.workflow.id, {
      source: 's2',
      format: 'yaml',
      definition: { name: `wf-${name}`, version: '2', inputs: {}, steps: [step('a', { token: 'x' })] },
    });
    expect(await credentials.usage(scope, name)).toEqual([]);
  });

  it('lets the application role end a version’s validity, but never change or delete its ciphertext', async () => {
    const { credential } = await aCredential();
    const attempt = (sql: string) =>
      withTenant(ds, scope, ({ manager }) => manager.query(sql, [credential.id])).then(
        () => undefined,
        (err: { driverError?: { code?: string } }) => err.driverError?.code,
      );
    expect(await attempt(`UPDATE credential_versions SET valid_until = now() WHERE credential_id = $1`)).toBe(
      undefined,
    );
    for (const sql of [
      `UPDATE credential_versions SET ciphertext = 'wdn1.x' WHERE credential_id = $1`,
      `UPDATE credential_versions SET key_version = 9 WHERE credential_id = $1`,
      `DELETE FROM credential_versions WHERE credential_id = $1`,
      `DELETE FROM credentials WHERE id = $1`,
      `UPDATE credentials SET name = 'renamed' WHERE id = $1`,
      `UPDATE credentials SET type = 'basic' WHERE id = $1`,
    ]) {
      expect({ sql, refused: await attempt(sql) }).toEqual({ sql, refused: '42501' });
    }
  });
});
