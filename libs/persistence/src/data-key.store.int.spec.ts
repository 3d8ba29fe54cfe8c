import { randomBytes, randomUUID } from 'node:crypto';
import {
  CryptoError,
  FieldCipher,
  KeyRing,
  LocalKeyProvider,
  type KeyContext,
  type WrappedDataKey,
} from '@warden/crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { prepareDatabase } from './app-role';
import { PostgresDataKeyStore } from './data-key.store';
import { createDataSource } from './data-source';

const ownerUrl = process.env.DATABASE_URL!;

const aWrappedKey = (masterKeyId = 'local:test'): WrappedDataKey => ({
  wrapped: randomBytes(61),
  masterKeyId,
});

describe('PostgresDataKeyStore', () => {
  let ds: DataSource;
  let owner: Client;
  let store: PostgresDataKeyStore;

  async function aTenant(): Promise<string> {
    const id = randomUUID();
    await owner.query(`INSERT INTO tenants (id, slug, name) VALUES ($1, $2, 'Keys')`, [id, `keys-${id}`]);
    return id;
  }

  /** As the owner, who bypasses row-level security: what is really stored. */
  async function rawRows(tenantId: string) {
    const { rows } = await owner.query<{
      scope: string;
      version: number;
      wrapped: Buffer | null;
      state: string;
      retired_at: Date | null;
      destroyed_at: Date | null;
    }>(
      `SELECT scope, version, wrapped, state, retired_at, destroyed_at FROM tenant_data_keys
        WHERE tenant_id = $1 ORDER BY scope, version`,
      [tenantId],
    );
    return rows;
  }

  beforeAll(async () => {
    const { appUrl } = await prepareDatabase(ownerUrl);
    ds = await createDataSource(appUrl).initialize();
    owner = new Client({ connectionString: ownerUrl });
    await owner.connect();
    store = new PostgresDataKeyStore(ds);
  });
  afterAll(async () => {
    await owner.end();
    await ds.destroy();
  });

  it('makes the first key of a context exactly once when callers race for it', async () => {
    const context: KeyContext = { tenantId: await aTenant(), scope: 'tenant' };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => store.add(context, aWrappedKey(), { onlyIfNone: true })),
    );
    expect(new Set(results.map((r) => r.version))).toEqual(new Set([1]));
    // Every loser got the winner's bytes back, not its own.
    expect(new Set(results.map((r) => r.wrapped!.toString('hex'))).size).toBe(1);
    expect(await rawRows(context.tenantId)).toEqual([
      expect.objectContaining({ scope: 'tenant', version: 1, state: 'active' }),
    ]);
    expect(await store.current(context)).toMatchObject({ version: 1, state: 'active', ...context });
  });

  it('rotates: a new active version, the previous one retired but kept', async () => {
    const context: KeyContext = { tenantId: await aTenant(), scope: 'tenant' };
    const first = aWrappedKey('local:one');
    await store.add(context, first);
    const second = await store.add(context, aWrappedKey('local:two'));
    expect(second).toMatchObject({ version: 2, state: 'active', masterKeyId: 'local:two' });
    expect(await store.get(context, 1)).toMatchObject({
      version: 1,
      state: 'retired',
      wrapped: first.wrapped,
    });
    expect((await rawRows(context.tenantId))[0]!.retired_at).toBeInstanceOf(Date);
    // Concurrent rotations each get their own version; one of them ends up active.
    const rotated = await Promise.all([1, 2, 3].map(() => store.add(context, aWrappedKey())));
    expect(rotated.map((r) => r.version).sort()).toEqual([3, 4, 5]);
    const rows = await rawRows(context.tenantId);
    expect(rows.filter((r) => r.state === 'active').map((r) => r.version)).toEqual([5]);
    expect((await store.list(context.tenantId)).map((k) => k.version)).toEqual([1, 2, 3, 4, 5]);
    expect(await store.get(context, 99)).toBeUndefined();
    expect(await store.get(context, 2 ** 40)).toBeUndefined();
  });

  it('keeps scopes apart and lists them', async () => {
    const tenantId = await aTenant();
    await store.add({ tenantId, scope: 'tenant' }, aWrappedKey());
    await store.add({ tenantId, scope: 'subject:alice' }, aWrappedKey());
    await store.add({ tenantId, scope: 'subject:alice' }, aWrappedKey());
    expect((await store.list(tenantId, 'subject:alice')).map((k) => [k.scope, k.version])).toEqual([
      ['subject:alice', 1],
      ['subject:alice', 2],
    ]);
    expect(await store.list(tenantId)).toHaveLength(3);
    expect(await store.current({ tenantId, scope: 'tenant' })).toMatchObject({ version: 1 });
  });

  it('rewraps live versions only', async () => {
    const context: KeyContext = { tenantId: await aTenant(), scope: 'tenant' };
    await store.add(context, aWrappedKey('local:old'));
    await store.add(context, aWrappedKey('local:old'));
    await store.destroy(context, 1);
    const rewrapped = aWrappedKey('local:new');
    await store.rewrap(context, 2, rewrapped);
    await store.rewrap(context, 1, aWrappedKey('local:new'));
    expect(await store.get(context, 2)).toMatchObject({
      masterKeyId: 'local:new',
      wrapped: rewrapped.wrapped,
    });
    expect(await store.get(context, 1)).toMatchObject({ masterKeyId: 'local:old', wrapped: null });
  });

  it('destroys by erasing the wrapped bytes; a new first key follows a full shred', async () => {
    const context: KeyContext = { tenantId: await aTenant(), scope: 'subject:bob' };
    for (let i = 0; i < 3; i++) await store.add(context, aWrappedKey());
    expect(await store.destroy(context, 2)).toBe(1);
    expect(await store.destroy(context, 2)).toBe(0);
    expect(await store.destroy(context)).toBe(2);
    const rows = await rawRows(context.tenantId);
    expect(rows.map((r) => [r.version, r.state, r.wrapped])).toEqual([
      [1, 'destroyed', null],
      [2, 'destroyed', null],
      [3, 'destroyed', null],
    ]);
    expect(rows.every((r) => r.destroyed_at instanceof Date)).toBe(true);
    expect(await store.current(context)).toBeUndefined();
    // Versions are never reused: what the old ones sealed stays unreadable.
    expect(await store.add(context, aWrappedKey(), { onlyIfNone: true })).toMatchObject({ version: 4 });
  });

  it('shreds for real under the key ring: destroyed keys no longer decrypt', async () => {
    const tenantId = await aTenant();
    const ring = new KeyRing({ provider: new LocalKeyProvider(randomBytes(32)), store });
    const cipher = new FieldCipher(ring);
    const field = { tenantId, table: 'notes', recordId: 'n1', field: 'body' };
    const sealed = await cipher.encrypt(field, 'remember the milk');
    expect(await cipher.decrypt(field, sealed)).toBe('remember the milk');
    // A second process (a fresh ring over the same rows) reads it too.
    const other = new FieldCipher(new KeyRing({ provider: ring.provider, store }));
    expect(await other.decrypt(field, sealed)).toBe('remember the milk');
    await ring.destroy({ tenantId, scope: 'tenant' });
    await expect(cipher.decrypt(field, sealed)).rejects.toMatchObject({ code: 'key_destroyed' });
    await expect(
      new FieldCipher(new KeyRing({ provider: ring.provider, store })).decrypt(field, sealed),
    ).rejects.toBeInstanceOf(CryptoError);
  });

  it("shows a tenant nothing of another tenant's keys", async () => {
    const a = await aTenant();
    const b = await aTenant();
    await store.add({ tenantId: a, scope: 'tenant' }, aWrappedKey());
    expect(await store.current({ tenantId: b, scope: 'tenant' })).toBeUndefined();
    expect(await store.get({ tenantId: b, scope: 'tenant' }, 1)).toBeUndefined();
    expect(await store.list(b)).toEqual([]);
    expect(await store.destroy({ tenantId: b, scope: 'tenant' })).toBe(0);
    expect(await store.current({ tenantId: a, scope: 'tenant' })).toMatchObject({ state: 'active' });
    // Without a tenant the application role sees no key at all.
    expect(await ds.query(`SELECT count(*)::int AS n FROM tenant_data_keys`)).toEqual([{ n: 0 }]);
  });

  it('lets the application role change state and bytes, and nothing else', async () => {
    const tenantId = await aTenant();
    await store.add({ tenantId, scope: 'tenant' }, aWrappedKey());
    for (const sql of [
      `DELETE FROM tenant_data_keys`,
      `UPDATE tenant_data_keys SET version = 7`,
      `UPDATE tenant_data_keys SET scope = 'subject:x'`,
      `UPDATE tenant_data_keys SET created_at = now()`,
    ]) {
      const refused = await ds
        .transaction(async (m) => {
          await m.query(`SELECT set_config('warden.tenant_id', $1, true)`, [tenantId]);
          await m.query(sql);
        })
        .then(
          () => undefined,
          (err: { driverError?: { code?: string } }) => err.driverError?.code,
        );
      expect({ sql, refused }).toEqual({ sql, refused: '42501' });
    }
  });
});
