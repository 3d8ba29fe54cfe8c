/**
 * The worker's vault resolver against real PostgreSQL (row-level security, the audit chain) and
 * real envelope encryption: what a step gets, what it is refused and with which message, and the
 * `credential.use` record of each decryption.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { FieldCipher, KeyRing, LocalKeyProvider } from '@warden/crypto';
import {
  CredentialRepository,
  PostgresDataKeyStore,
  TenantRepository,
  createDataSource,
  credentialFieldContext,
  prepareDatabase,
  type CredentialType,
} from '@warden/persistence';
import { Redactor } from '@warden/redaction';
import { SandboxFailure, type CredentialUse } from '@warden/sandbox';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { VaultCredentialResolver } from './vault-credentials';

const ownerUrl = process.env.DATABASE_URL!;
const USE: CredentialUse = { pluginId: 'acme.http', runId: 'run-1', stepId: 'fetch' };

describe('VaultCredentialResolver', () => {
  let ds: DataSource;
  let owner: Client;
  let cipher: FieldCipher;
  let redactor: Redactor;
  let resolver: VaultCredentialResolver;
  let credentials: CredentialRepository;

  const aTenant = async (): Promise<string> =>
    (await new TenantRepository(ds).create({ slug: `v-${randomUUID().slice(0, 12)}`, name: 'Vault' })).id;

  async function aCredential(tenantId: string, name: string, type: CredentialType, data: object) {
    const id = randomUUID();
    const ciphertext = await cipher.encrypt(credentialFieldContext(tenantId, id, 1), JSON.stringify(data));
    await credentials.create(
      { tenantId },
      {
        id,
        name,
        type,
        description: null,
        value: {
          ciphertext,
          keyVersion: FieldCipher.keyVersionOf(ciphertext),
          fieldNames: Object.keys(data),
        },
        createdBy: 'test',
      },
    );
    return id;
  }

  async function useEvents(tenantId: string) {
    const { rows } = await owner.query<{
      outcome: string;
      target_id: string | null;
      details: Record<string, unknown>;
    }>(
      `SELECT outcome, target_id, details FROM audit_events
        WHERE tenant_id = $1 AND action = 'credential.use' ORDER BY seq`,
      [tenantId],
    );
    return rows;
  }

  const refusalOf = (promise: Promise<unknown>): Promise<SandboxFailure> =>
    promise.then(
      () => {
        throw new Error('the credential was handed out');
      },
      (error: unknown) => error as SandboxFailure,
    );

  beforeAll(async () => {
    const { appUrl } = await prepareDatabase(ownerUrl);
    ds = await createDataSource(appUrl).initialize();
    owner = new Client({ connectionString: ownerUrl });
    await owner.connect();
    const ring = new KeyRing({
      provider: new LocalKeyProvider(randomBytes(32)),
      store: new PostgresDataKeyStore(ds),
    });
    cipher = new FieldCipher(ring);
    credentials = new CredentialRepository(ds);
  });
  beforeEach(() => {
    redactor = new Redactor();
    resolver = new VaultCredentialResolver({ dataSource: ds, cipher, redactor });
  });
  afterAll(async () => {
    await owner.end();
    await ds.destroy();
  });

  it('decrypts the current version, teaches the redactor its secrets and audits the use', async () => {
    const tenantId = await aTenant();
    const id = await aCredential(tenantId, 'login', 'basic', { username: 'robot', password: 'pa55-w0rd!' });

    await expect(resolver.resolve(tenantId, 'login', USE)).resolves.toEqual({
      username: 'robot',
      password: 'pa55-w0rd!',
    });
    expect(redactor.mask('pw=pa55-w0rd! pair robot:pa55-w0rd!')).toBe('pw=*** pair ***');
    expect(await useEvents(tenantId)).toEqual([
      {
        outcome: 'success',
        target_id: id,
        details: {
          name: 'login',
          version: 1,
          type: 'basic',
          runId: 'run-1',
          stepId: 'fetch',
          pluginId: 'acme.http',
        },
      },
    ]);
  });

  it.each([
    ['api-key', { key: 'k-123456', header: 'X-Api-Key' }, { token: 'k-123456' }],
    ['bearer', { token: 't-123456' }, { token: 't-123456' }],
    [
      'oauth2-client',
      { clientId: 'cid', clientSecret: 'cs-123456', tokenUrl: 'https://auth.example.com/token' },
      { username: 'cid', password: 'cs-123456' },
    ],
  ] as const)('hands a %s credential to the broker in the shape it injects', async (type, data, value) => {
    const tenantId = await aTenant();
    await aCredential(tenantId, 'cred', type, data);
    await expect(resolver.resolve(tenantId, 'cred', USE)).resolves.toMatchObject(value);
  });

  it('refuses an unknown name with a message the step shows, and audits the refusal', async () => {
    const tenantId = await aTenant();
    const failure = await refusalOf(resolver.resolve(tenantId, 'nope', USE));
    expect(failure).toBeInstanceOf(SandboxFailure);
    expect(failure.kind).toBe('capability-denied');
    expect(failure.message).toBe(
      'fetch refused: credential "nope" does not exist in this tenant (or was deleted)',
    );
    expect(await useEvents(tenantId)).toMatchObject([
      { outcome: 'failure', target_id: null, details: { name: 'nope', reason: 'not_found', runId: 'run-1' } },
    ]);
  });

  it("never resolves another tenant's credential of the same name", async () => {
    const [a, b] = [await aTenant(), await aTenant()];
    await aCredential(a, 'shared-name', 'bearer', { token: 'tenant-a-only' });
    const failure = await refusalOf(resolver.resolve(b, 'shared-name', USE));
    expect(failure.message).toContain('does not exist in this tenant');
    expect(redactor.size).toBe(0);
  });

  it('refuses a deleted credential, and a ciphertext moved from another row', async () => {
    const tenantId = await aTenant();
    const gone = await aCredential(tenantId, 'gone', 'bearer', { token: 'deleted-token' });
    await credentials.softDelete({ tenantId }, gone, new Date());
    expect((await refusalOf(resolver.resolve(tenantId, 'gone', USE))).message).toContain('does not exist');

    const target = await aCredential(tenantId, 'target', 'bearer', { token: 'target-token' });
    await aCredential(tenantId, 'source', 'bearer', { token: 'source-token' });
    await owner.query(
      `UPDATE credential_versions SET ciphertext = (
         SELECT v.ciphertext FROM credential_versions v JOIN credentials c ON c.id = v.credential_id
          WHERE c.tenant_id = $1 AND c.name = 'source')
        WHERE credential_id = $2`,
      [tenantId, target],
    );
    const moved = await refusalOf(resolver.resolve(tenantId, 'target', USE));
    expect(moved.message).toBe(
      'fetch refused: credential "target" version 1 could not be decrypted (ciphertext_context_mismatch)',
    );
    expect(redactor.size).toBe(0);
    expect((await useEvents(tenantId)).at(-1)).toMatchObject({
      outcome: 'failure',
      target_id: target,
      details: { reason: 'ciphertext_context_mismatch', version: 1 },
    });
  });
});
