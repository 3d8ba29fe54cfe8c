/**
 * The credentials vault over real HTTP, against real PostgreSQL: values go in and never come out
 * (responses, rows, audit events), rotation keeps the previous value for its grace period, and
 * roles and tenants are kept apart. A worker's view (resolveForUse + FieldCipher) checks that
 * what is stored decrypts to what was sent, only where it was written.
 */
import { randomUUID } from 'node:crypto';
import { FieldCipher } from '@warden/crypto';
import { CredentialRepository, credentialFieldContext } from '@warden/persistence';
import { generatePublisherKeyPair } from '@warden/plugins';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  startApiHarness,
  type ApiHarness,
  type HttpResult,
  type RequestOptions,
  type TestUser,
} from './api-harness';
import { publishSigned } from './plugin-fixtures';

interface View {
  id: string;
  name: string;
  type: string;
  description: string | null;
  version: number;
  fields: string[];
  previousVersion?: { version: number; validUntil: string };
}
interface ErrorBody {
  error: { code: string; details?: { problems?: { code?: string; path: string }[] } };
}
type Answer = View & ErrorBody & { items: View[]; nextCursor: string | null };

const MARKER = `s3cr3t-${randomUUID()}`;
const secret = (label: string): string => `${MARKER}-${label}`;

describe('API: credentials vault', () => {
  let api: ApiHarness;
  let db: Client;
  let viewer: TestUser;
  let stranger: TestUser;
  const bodies: string[] = [];
  const name = `db-${randomUUID().slice(0, 8)}`;
  let id: string;

  /** Every answer of this file is kept, to check at the end that none holds a secret. */
  async function call(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResult<Answer>> {
    const result = await api.call<Answer>(method, path, opts);
    bodies.push(result.text);
    return result;
  }
  const worker = () => ({
    credentials: new CredentialRepository(api.app.get(DataSource)),
    cipher: api.app.get(FieldCipher),
  });
  /** As a worker would: the current value and those still in grace, decrypted. */
  async function resolve(credentialName: string): Promise<{ version: number; data: unknown }[]> {
    const { credentials, cipher } = worker();
    const found = await credentials.resolveForUse({ tenantId: api.tenant.id }, credentialName, new Date());
    if (!found) return [];
    return Promise.all(
      [found, ...found.previous].map(async (v) => ({
        version: v.version,
        data: JSON.parse(
          await cipher.decrypt(
            credentialFieldContext(api.tenant.id, found.credentialId, v.version),
            v.ciphertext,
          ),
        ),
      })),
    );
  }

  beforeAll(async () => {
    api = await startApiHarness();
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    viewer = await api.createUser(['viewer']);
    stranger = await api.createUser(['owner'], { tenant: await api.createTenant() });
  });
  afterAll(async () => {
    await db?.end();
    await api?.close();
  });

  it('stores a credential and answers with metadata only', async () => {
    const created = await call('POST', '/v1/credentials', {
      json: {
        name,
        type: 'basic',
        description: 'Reporting DB',
        data: { username: 'svc', password: secret('v1') },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, type: 'basic', version: 1, fields: ['password', 'username'] });
    expect(created.body).not.toHaveProperty('data');
    id = created.body.id;
    expect((await call('GET', `/v1/credentials/${id}`)).body).toMatchObject({
      id,
      description: 'Reporting DB',
    });
    expect(await resolve(name)).toEqual([{ version: 1, data: { username: 'svc', password: secret('v1') } }]);
  });

  it('refuses bad input with a code and the path of each problem', async () => {
    const bad = async (json: unknown, code: string, path: string) => {
      const res = await call('POST', '/v1/credentials', { json });
      expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 400, code });
      expect(res.body.error.details?.problems?.map((p) => p.path)).toContain(path);
    };
    await bad(
      { name: 'x1', type: 'basic', data: { username: 'svc' } },
      'credential_data_invalid',
      'data.password',
    );
    await bad(
      { name: 'x1', type: 'bearer', data: { token: secret('t'), extra: 1 } },
      'credential_data_invalid',
      'data.extra',
    );
    await bad(
      {
        name: 'x1',
        type: 'oauth2-client',
        data: { clientId: 'c', clientSecret: secret('c'), tokenUrl: 'nope' },
      },
      'credential_data_invalid',
      'data.tokenUrl',
    );
    await bad(
      { name: 'Not A Slug', type: 'bearer', data: { token: secret('t') } },
      'invalid_request',
      'name',
    );
    await bad({ name: 'x1', type: 'password', data: {} }, 'invalid_request', 'type');
    await bad({ name: 'x1', data: {} }, 'invalid_request', 'type');
    const taken = await call('POST', '/v1/credentials', {
      json: { name, type: 'bearer', data: { token: secret('dup') } },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('credential_exists');
    const tooLong = await call('POST', `/v1/credentials/${id}/rotate`, {
      json: { data: { username: 'svc', password: secret('x') }, graceSeconds: 7 * 24 * 3600 + 1 },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details?.problems?.[0]?.path).toBe('graceSeconds');
    expect(
      (await call('PUT', `/v1/credentials/${id}`, { json: { data: { token: 'wrong-type' } } })).status,
    ).toBe(400);
  });

  it('updates (old value invalid at once) and rotates (old value valid for the grace period)', async () => {
    const described = await call('PUT', `/v1/credentials/${id}`, { json: { description: 'Primary DB' } });
    expect(described.body).toMatchObject({ version: 1, description: 'Primary DB' });

    const updated = await call('PUT', `/v1/credentials/${id}`, {
      json: { data: { username: 'svc', password: secret('v2') } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ version: 2, description: 'Primary DB' });
    expect(await resolve(name)).toEqual([{ version: 2, data: { username: 'svc', password: secret('v2') } }]);

    const before = Date.now();
    const rotated = await call('POST', `/v1/credentials/${id}/rotate`, {
      json: { data: { username: 'svc', password: secret('v3') }, graceSeconds: 600 },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ version: 3, previousVersion: { version: 2 } });
    const validUntil = Date.parse(rotated.body.previousVersion!.validUntil);
    expect(validUntil).toBeGreaterThanOrEqual(before + 600_000);
    expect(validUntil).toBeLessThan(Date.now() + 600_000 + 1000);
    expect(await resolve(name)).toEqual([
      { version: 3, data: { username: 'svc', password: secret('v3') } },
      { version: 2, data: { username: 'svc', password: secret('v2') } },
    ]);
    const { rows } = await db.query<{ version: number; ended: boolean | null }>(
      `SELECT version, valid_until <= now() AS ended FROM credential_versions WHERE credential_id = $1 ORDER BY version`,
      [id],
    );
    expect(rows).toEqual([
      { version: 1, ended: true },
      { version: 2, ended: false },
      { version: 3, ended: null },
    ]);
  });

  it('pages through the list by name', async () => {
    const prefix = `pg-${randomUUID().slice(0, 6)}`;
    for (const n of ['a', 'b', 'c']) {
      const res = await call('POST', '/v1/credentials', {
        json: { name: `${prefix}-${n}`, type: 'custom', data: { KEY: secret(n) } },
      });
      expect(res.status).toBe(201);
    }
    const first = await call('GET', `/v1/credentials?limit=2&cursor=${prefix}`);
    expect(first.body.items.map((c) => c.name)).toEqual([`${prefix}-a`, `${prefix}-b`]);
    const next = await call('GET', `/v1/credentials?limit=2&cursor=${first.body.nextCursor}`);
    expect(next.body.items[0]).toMatchObject({ name: `${prefix}-c`, type: 'custom', fields: ['KEY'] });
  });

  it('lets a Viewer read metadata and change nothing', async () => {
    const token = viewer.token;
    expect((await call('GET', '/v1/credentials', { token })).body.items.map((c) => c.id)).toContain(id);
    expect((await call('GET', `/v1/credentials/${id}`, { token })).body).toMatchObject({
      id,
      fields: ['password', 'username'],
    });
    const data = { username: 'svc', password: secret('viewer') };
    for (const [method, path, json] of [
      ['POST', '/v1/credentials', { name: 'viewer-made', type: 'basic', data }],
      ['PUT', `/v1/credentials/${id}`, { data }],
      ['POST', `/v1/credentials/${id}/rotate`, { data }],
      ['DELETE', `/v1/credentials/${id}`, undefined],
    ] as const) {
      const res = await call(method, path, { token, ...(json ? { json } : {}) });
      expect({ method, path, status: res.status, code: res.body.error.code }).toEqual({
        method,
        path,
        status: 403,
        code: 'forbidden',
      });
    }
  });

  it('keeps another tenant away from it (404), and its names apart', async () => {
    const token = stranger.token;
    const data = { username: 'x', password: secret('stranger') };
    for (const [method, path, json] of [
      ['GET', `/v1/credentials/${id}`, undefined],
      ['GET', `/v1/credentials/${id}/usage`, undefined],
      ['PUT', `/v1/credentials/${id}`, { data }],
      ['POST', `/v1/credentials/${id}/rotate`, { data }],
      ['DELETE', `/v1/credentials/${id}`, undefined],
    ] as const) {
      const res = await call(method, path, { token, ...(json ? { json } : {}) });
      expect({ path, method, status: res.status, code: res.body.error.code }).toEqual({
        path,
        method,
        status: 404,
        code: 'credential_not_found',
      });
    }
    expect((await call('GET', '/v1/credentials', { token })).body.items.map((c) => c.id)).not.toContain(id);
    expect(
      (await call('POST', '/v1/credentials', { token, json: { name, type: 'basic', data } })).status,
    ).toBe(201);
    expect(await resolve(name)).toHaveLength(2);
  });

  it('names the workflows whose current version uses it', async () => {
    const key = generatePublisherKeyPair();
    expect(
      (await call('POST', '/v1/plugin-keys', { json: { name: 'vault', publicKeyPem: key.publicKeyPem } }))
        .status,
    ).toBe(201);
    const pluginId = `acme.db-${randomUUID().slice(0, 8)}`;
    await publishSigned(
      api,
      {
        id: pluginId,
        name: 'DB',
        version: '1.0.0',
        description: 'Queries a DB.',
        publisher: 'acme',
        inputSchema: { type: 'object' },
        outputSchema: { type: 'object' },
        capabilities: {
          hosts: ['db.example.com'],
          credentials: [{ name: 'login', hosts: ['db.example.com'], inject: { kind: 'bearer' } }],
        },
      },
      'export default { run() { return {}; } };\n',
      key,
    );
    const workflowName = `uses-${name}`;
    const workflow = await call('POST', '/v1/workflows', {
      text: [
        `name: ${workflowName}`,
        'version: 1',
        'steps:',
        '  - id: query',
        '    type: plugin',
        `    plugin: "${pluginId}@^1"`,
        `    credentials: { login: ${name} }`,
        '',
      ].join('\n'),
    });
    expect(workflow.status).toBe(201);
    const usage = await call('GET', `/v1/credentials/${id}/usage`);
    expect(usage.body.items).toEqual([
      { workflowId: workflow.body.id, workflowName, workflowVersion: 1, stepId: 'query', slot: 'login' },
    ]);
  });

  it('makes a ciphertext moved into another credential fail with ciphertext_context_mismatch', async () => {
    const other = await call('POST', '/v1/credentials', {
      json: { name: `moved-${randomUUID().slice(0, 8)}`, type: 'bearer', data: { token: secret('moved') } },
    });
    // As the owner, who can write any column: copy this credential's current ciphertext over the other's.
    await db.query(
      `UPDATE credential_versions SET ciphertext = (SELECT ciphertext FROM credential_versions WHERE credential_id = $1 AND version = 3)
        WHERE credential_id = $2 AND version = 1`,
      [id, other.body.id],
    );
    const { credentials, cipher } = worker();
    const found = await credentials.resolveForUse({ tenantId: api.tenant.id }, other.body.name, new Date());
    await expect(
      cipher.decrypt(credentialFieldContext(api.tenant.id, other.body.id, 1), found!.ciphertext),
    ).rejects.toMatchObject({ code: 'ciphertext_context_mismatch' });
  });

  it('deletes softly: gone from reads and from workers, the name free again', async () => {
    expect((await call('DELETE', `/v1/credentials/${id}`)).status).toBe(204);
    expect((await call('GET', `/v1/credentials/${id}`)).status).toBe(404);
    expect(await resolve(name)).toEqual([]);
    const again = await call('POST', '/v1/credentials', {
      json: { name, type: 'bearer', data: { token: secret('again') } },
    });
    expect(again.status).toBe(201);
  });

  it('audits every change with name, type and version', async () => {
    const page = await call('GET', `/v1/audit?targetType=credential&targetId=${id}`);
    const events = (page.body.items as unknown as { action: string; details: Record<string, unknown> }[]).map(
      (e) => [e.action, e.details.name, e.details.type, e.details.version],
    );
    expect(events).toEqual(
      expect.arrayContaining([
        ['credential.create', name, 'basic', 1],
        ['credential.update', name, 'basic', 1],
        ['credential.update', name, 'basic', 2],
        ['credential.rotate', name, 'basic', 3],
        ['credential.delete', name, 'basic', 3],
      ]),
    );
  });

  it('has no secret in any row, audit event or answer', async () => {
    for (const table of ['credentials', 'credential_versions', 'tenant_data_keys', 'audit_events']) {
      const { rows } = await db.query<{ row: string }>(
        `SELECT row_to_json(t)::text AS row FROM "${table}" t`,
      );
      expect({ table, leaks: rows.filter((r) => r.row.includes(MARKER)).length }).toEqual({
        table,
        leaks: 0,
      });
    }
    const { rows } = await db.query<{ ciphertext: string }>(
      `SELECT ciphertext FROM credential_versions WHERE credential_id = $1`,
      [id],
    );
    expect(rows.every((r) => FieldCipher.isCiphertext(r.ciphertext))).toBe(true);
    expect(bodies.length).toBeGreaterThan(30);
    expect(bodies.filter((text) => text.includes(MARKER))).toEqual([]);
  });
});
