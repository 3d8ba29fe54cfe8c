/**
 * Access-token signing keys at rest: their private halves are sealed under the master key (no
 * private component in clear in any signing_keys row), keys stored in clear before are sealed
 * when the API starts, and a restarted API (a fresh process state on the same database) opens
 * and signs with the same key, also after a master key rotation.
 *
 * signing_keys is platform-wide, so this file uses a database of its own: it stores keys under
 * master keys that the other files' APIs do not hold.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { CryptoError, LocalKeyProvider, masterKeyId } from '@warden/crypto';
import { createTestDatabase, type TestDatabase } from '@warden/devstack';
import { generateSigningKey, hashPassword, type SigningKeyRecord } from '@warden/identity';
import {
  createDataSource,
  prepareDatabase,
  rewrapSigningKeys,
  SigningKeyRepository,
  TenantRepository,
  UserRepository,
} from '@warden/persistence';
import { rotateSigningKey } from '@warden/provisioning';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createApp } from '../apps/api/src/app';
import { ApiConfig } from '../apps/api/src/config/api.config';

const PASSWORD = 'correct horse battery staple 42';

interface RawKeyRow {
  kid: string;
  retired_at: Date | null;
  private_jwk: Record<string, unknown>;
  text: string;
}

interface RunningApi {
  app: INestApplication;
  url: string;
}

describe('signing keys at rest', () => {
  const firstMaster = randomBytes(32);
  const nextMaster = randomBytes(32);
  let db: TestDatabase;
  let owner: Client;
  let appDb: DataSource;
  let api: RunningApi | undefined;
  let legacy: SigningKeyRecord;
  let login: { slug: string; email: string };
  let firstToken: string;

  async function startApi(master: Buffer, previous: Buffer[] = []): Promise<RunningApi> {
    const config = ApiConfig.fromEnv({
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: process.env.TEMPORAL_NAMESPACE ?? 'default',
      WARDEN_MASTER_KEY: master.toString('base64'),
      ...(previous.length
        ? { WARDEN_MASTER_KEY_PREVIOUS: previous.map((k) => k.toString('base64')).join(',') }
        : {}),
    });
    const app = await createApp(config, { logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
  }

  async function signIn(at: RunningApi): Promise<string> {
    const response = await fetch(`${at.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: login.slug, email: login.email, password: PASSWORD }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { accessToken: string }).accessToken;
  }

  async function listWorkflows(at: RunningApi, token: string): Promise<number> {
    const response = await fetch(`${at.url}/v1/workflows`, { headers: { authorization: `Bearer ${token}` } });
    await response.text();
    return response.status;
  }

  /** Verifies `token` against the instance's published JWKS: it was signed by the stored key. */
  async function verifyWithJwks(at: RunningApi, token: string): Promise<void> {
    const jwks = (await (await fetch(`${at.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    await jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ['EdDSA'] });
  }

  async function rawRows(): Promise<RawKeyRow[]> {
    const { rows } = await owner.query<RawKeyRow>(
      'SELECT kid, retired_at, private_jwk, private_jwk::text AS text FROM signing_keys ORDER BY created_at',
    );
    return rows;
  }

  async function restart(master: Buffer, previous: Buffer[] = []): Promise<RunningApi> {
    await api?.app.close();
    api = undefined;
    api = await startApi(master, previous);
    return api;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    const { appUrl } = await prepareDatabase(db.url);
    owner = new Client({ connectionString: db.url });
    await owner.connect();
    appDb = await createDataSource(appUrl, { poolSize: 2 }).initialize();

    // A key as releases before sealing stored it: retired, still verifying, private JWK in clear.
    legacy = await generateSigningKey(new Date(Date.now() - 60_000));
    await owner.query(
      `INSERT INTO signing_keys (kid, algorithm, public_jwk, private_jwk, created_at, retired_at, not_after)
       VALUES ($1, 'EdDSA', $2, $3, $4, now(), now() + interval '1 hour')`,
      [legacy.kid, legacy.publicJwk, legacy.privateJwk, legacy.createdAt],
    );

    const tenant = await new TenantRepository(appDb).create({
      slug: `sk-${randomUUID().slice(0, 8)}`,
      name: 'Keys',
    });
    login = { slug: tenant.slug, email: `owner-${randomUUID().slice(0, 8)}@example.test` };
    await new UserRepository(appDb).create(
      { tenantId: tenant.id },
      {
        email: login.email,
        displayName: 'Owner',
        roles: ['owner'],
        platformAdmin: false,
        passwordHash: await hashPassword(PASSWORD),
      },
    );

    api = await startApi(firstMaster);
    firstToken = await signIn(api);
  });

  afterAll(async () => {
    await api?.app.close();
    await appDb?.destroy();
    await owner?.end();
    await db?.drop();
  });

  it('seals a private key stored in clear before, when the API starts, and still reads it', async () => {
    const row = (await rawRows()).find((r) => r.kid === legacy.kid)!;
    expect(row.private_jwk).toMatchObject({ v: 1, masterKeyId: masterKeyId(firstMaster) });
    expect(row.text).not.toContain(String(legacy.privateJwk.d));
    const keys = await new SigningKeyRepository(appDb, new LocalKeyProvider(firstMaster)).list();
    expect(keys.find((key) => key.kid === legacy.kid)?.privateJwk).toEqual(legacy.privateJwk);
  });

  it('after the API issued a token, raw SQL finds no private component in any signing key row', async () => {
    const { kid } = decodeProtectedHeader(firstToken);
    const rows = await rawRows();
    expect(rows.map((r) => r.kid)).toEqual([legacy.kid, kid]);
    const privateParts = (
      await new SigningKeyRepository(appDb, new LocalKeyProvider(firstMaster)).list()
    ).map((key) => String(key.privateJwk.d));
    expect(privateParts).toHaveLength(2);
    for (const row of rows) {
      expect(row.text).not.toMatch(/"d"\s*:/);
      for (const d of privateParts) expect(row.text).not.toContain(d);
      expect(Object.keys(row.private_jwk).sort()).toEqual(['masterKeyId', 'sealed', 'v', 'wrappedKey']);
    }
  });

  it('does not open under a master key the rows were not wrapped with', async () => {
    const stranger = new SigningKeyRepository(appDb, new LocalKeyProvider(randomBytes(32)));
    const error: unknown = await stranger.list().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CryptoError);
    expect(error).toMatchObject({
      code: 'master_key_mismatch',
      message: expect.stringContaining('signing key '),
    });
  });

  it('a restarted API accepts the tokens issued before and signs with the same stored key', async () => {
    const second = await restart(firstMaster);
    expect(await listWorkflows(second, firstToken)).toBe(200);
    const token = await signIn(second);
    expect(decodeProtectedHeader(token).kid).toBe(decodeProtectedHeader(firstToken).kid);
    await verifyWithJwks(second, token);
    expect(await rawRows()).toHaveLength(2);
  });

  it('master key rotation rewraps every signing key; an API holding only the new key signs with it', async () => {
    const before = await rawRows();
    expect(await rewrapSigningKeys(appDb, new LocalKeyProvider(nextMaster, [firstMaster]))).toBe(2);
    expect(await rewrapSigningKeys(appDb, new LocalKeyProvider(nextMaster, [firstMaster]))).toBe(0);
    const after = await rawRows();
    for (const [i, row] of after.entries()) {
      // Only the wrap of the data key moved; the sealed private key is the same bytes.
      expect(row.private_jwk).toMatchObject({
        masterKeyId: masterKeyId(nextMaster),
        sealed: before[i]!.private_jwk.sealed,
      });
    }

    const third = await restart(nextMaster);
    expect(await listWorkflows(third, firstToken)).toBe(200);
    const token = await signIn(third);
    expect(decodeProtectedHeader(token).kid).toBe(decodeProtectedHeader(firstToken).kid);
    await verifyWithJwks(third, token);
  });

  it('`warden admin rotate-signing-key` stores the new key sealed, and the running API signs with it', async () => {
    const { kid } = await rotateSigningKey(db.url, new LocalKeyProvider(nextMaster));
    const row = (await rawRows()).find((r) => r.kid === kid)!;
    expect(row.private_jwk).toMatchObject({ v: 1, masterKeyId: masterKeyId(nextMaster) });
    expect(row.text).not.toMatch(/"d"\s*:/);
    const token = await signIn(api!);
    expect(decodeProtectedHeader(token).kid).toBe(kid);
    await verifyWithJwks(api!, token);
  });
});
