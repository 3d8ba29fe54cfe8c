import { randomBytes, randomUUID } from 'node:crypto';
import type { KeyContext, KeyProvider } from './contract';
import { CryptoError, type CryptoErrorCode } from './crypto.errors';
import { InMemoryDataKeyStore } from './in-memory-store';
import { KeyRing } from './key-ring';
import { LocalKeyProvider } from './local-provider';

interface Calls {
  generate: number;
  unwrap: number;
  wrap: number;
  /** Unwraps to fail before succeeding again (a KMS outage). */
  failNextUnwraps: number;
}

/** The real local provider, counting what would be KMS calls with AWS KMS. */
function counting(inner: KeyProvider): { provider: KeyProvider; calls: Calls } {
  const calls: Calls = { generate: 0, unwrap: 0, wrap: 0, failNextUnwraps: 0 };
  const provider: KeyProvider = {
    kind: inner.kind,
    currentMasterKeyId: () => inner.currentMasterKeyId(),
    generateDataKey: (context) => {
      calls.generate += 1;
      return inner.generateDataKey(context);
    },
    unwrapDataKey: (key, context) => {
      calls.unwrap += 1;
      if (calls.failNextUnwraps > 0) {
        calls.failNextUnwraps -= 1;
        return Promise.reject(new CryptoError('key_provider_failed', 'KMS unreachable'));
      }
      return inner.unwrapDataKey(key, context);
    },
    wrapDataKey: (plaintext, context) => {
      calls.wrap += 1;
      return inner.wrapDataKey(plaintext, context);
    },
  };
  return { provider, calls };
}

interface Fixture {
  ring: KeyRing;
  store: InMemoryDataKeyStore;
  calls: Calls;
  clock: { now: number };
  /** Another process: same store and master key, its own cache. */
  otherProcess(): KeyRing;
}

const TTL = 60_000;

function aRing(master = randomBytes(32)): Fixture {
  const store = new InMemoryDataKeyStore();
  const { provider, calls } = counting(new LocalKeyProvider(master));
  const clock = { now: 1_000_000 };
  const now = () => clock.now;
  return {
    ring: new KeyRing({ provider, store, cacheTtlMs: TTL, now }),
    store,
    calls,
    clock,
    otherProcess: () => new KeyRing({ provider: new LocalKeyProvider(master), store, cacheTtlMs: TTL, now }),
  };
}

const aTenant = (): KeyContext => ({ tenantId: randomUUID(), scope: 'tenant' });

async function expectCryptoError(promise: Promise<unknown>, code: CryptoErrorCode): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(CryptoError);
  await expect(promise).rejects.toMatchObject({ code });
}

describe('KeyRing.currentKey', () => {
  it('makes version 1 on first use, then serves it from memory', async () => {
    const { ring, store, calls } = aRing();
    const ctx = aTenant();
    const first = await ring.currentKey(ctx);
    expect(first).toMatchObject({ ...ctx, version: 1 });
    expect(first.key).toHaveLength(32);
    expect((await ring.currentKey(ctx)).key.equals(first.key)).toBe(true);
    expect(calls).toMatchObject({ generate: 1, unwrap: 1 });
    expect(await store.list(ctx.tenantId)).toEqual([
      expect.objectContaining({ version: 1, state: 'active' }),
    ]);
  });

  it('makes only one key when many callers ask for a new tenant at once', async () => {
    const { ring, store, calls } = aRing();
    const ctx = aTenant();
    const keys = await Promise.all(Array.from({ length: 10 }, () => ring.currentKey(ctx)));
    expect(new Set(keys.map((k) => k.key.toString('hex'))).size).toBe(1);
    expect(calls.generate).toBe(1);
    expect(await store.list(ctx.tenantId)).toHaveLength(1);
  });

  it('gives each tenant and each subject its own key', async () => {
    const { ring } = aRing();
    const a = aTenant();
    const b = aTenant();
    const subject: KeyContext = { tenantId: a.tenantId, scope: 'subject:user-1' };
    const keys = await Promise.all([a, b, subject].map((ctx) => ring.currentKey(ctx)));
    expect(new Set(keys.map((k) => k.key.toString('hex'))).size).toBe(3);
    expect(keys[2]).toMatchObject({ scope: 'subject:user-1', version: 1 });
  });
});

describe('KeyRing cache', () => {
  it('unwraps again only after the TTL', async () => {
    const { ring, calls, clock } = aRing();
    const ctx = aTenant();
    await ring.currentKey(ctx);
    clock.now += TTL - 1;
    await ring.key(ctx, 1);
    expect(calls.unwrap).toBe(1);
    clock.now += 1;
    await ring.key(ctx, 1);
    expect(calls.unwrap).toBe(2);
  });

  it('does not remember a failed unwrap: the next call tries the provider again', async () => {
    const { ring, calls, otherProcess } = aRing();
    const ctx = aTenant();
    await otherProcess().currentKey(ctx);
    calls.failNextUnwraps = 1;
    await expectCryptoError(ring.key(ctx, 1), 'key_provider_failed');
    expect((await ring.key(ctx, 1)).version).toBe(1);
    expect(calls.unwrap).toBe(2);
  });

  it('evict(tenant) forgets that tenant only', async () => {
    const { ring, calls } = aRing();
    const a = aTenant();
    const b = aTenant();
    await ring.currentKey(a);
    await ring.currentKey(b);
    ring.evict(a.tenantId);
    await ring.currentKey(a);
    await ring.currentKey(b);
    expect(calls.unwrap).toBe(3);
    ring.evict();
    await ring.currentKey(b);
    expect(calls.unwrap).toBe(4);
  });

  it('evicting a tenant leaves a tenant whose id it prefixes alone', async () => {
    const { ring, calls } = aRing();
    const short: KeyContext = { tenantId: 'acme', scope: 'tenant' };
    const long: KeyContext = { tenantId: 'acme-labs', scope: 'tenant' };
    await ring.currentKey(short);
    await ring.currentKey(long);
    ring.evict('acme');
    await ring.currentKey(long);
    expect(calls.unwrap).toBe(2);
  });
});

describe('KeyRing.rotate', () => {
  it('makes a new active version; the old one is retired and still served', async () => {
    const { ring, store } = aRing();
    const ctx = aTenant();
    const v1 = await ring.currentKey(ctx);
    const rotated = await ring.rotate(ctx);
    expect(rotated).toMatchObject({ version: 2, state: 'active' });
    const v2 = await ring.currentKey(ctx);
    expect(v2.version).toBe(2);
    expect(v2.key.equals(v1.key)).toBe(false);
    expect((await ring.key(ctx, 1)).key.equals(v1.key)).toBe(true);
    expect((await store.list(ctx.tenantId)).map((k) => [k.version, k.state])).toEqual([
      [1, 'retired'],
      [2, 'active'],
    ]);
  });

  it('another process sees the rotation once its cached current version expires', async () => {
    const { ring, clock, otherProcess } = aRing();
    const ctx = aTenant();
    expect((await ring.currentKey(ctx)).version).toBe(1);
    await otherProcess().rotate(ctx);
    expect((await ring.currentKey(ctx)).version).toBe(1);
    clock.now += TTL;
    expect((await ring.currentKey(ctx)).version).toBe(2);
  });
});

describe('KeyRing lookups that fail', () => {
  it('a version that never existed: key_not_found', async () => {
    const { ring } = aRing();
    const ctx = aTenant();
    await ring.currentKey(ctx);
    await expectCryptoError(ring.key(ctx, 7), 'key_not_found');
    await expectCryptoError(ring.key(aTenant(), 1), 'key_not_found');
  });

  it('remembers a missing version briefly: a batch naming it costs one store lookup', async () => {
    const { ring, store, clock } = aRing();
    const ctx = aTenant();
    await ring.currentKey(ctx);
    let gets = 0;
    const get = store.get.bind(store);
    store.get = (context, version) => {
      gets += 1;
      return get(context, version);
    };
    for (let i = 0; i < 5; i++) await expectCryptoError(ring.key(ctx, 9), 'key_not_found');
    expect(gets).toBe(1);
    clock.now += 5_000;
    await expectCryptoError(ring.key(ctx, 9), 'key_not_found');
    expect(gets).toBe(2);
    ring.evict(ctx.tenantId);
    await expectCryptoError(ring.key(ctx, 9), 'key_not_found');
    expect(gets).toBe(3);
  });

  it('a data key wrapped by a master key this process lacks: master_key_mismatch', async () => {
    const { ring, store } = aRing();
    const ctx = aTenant();
    await ring.currentKey(ctx);
    const stranger = new KeyRing({ provider: new LocalKeyProvider(randomBytes(32)), store });
    await expectCryptoError(stranger.key(ctx, 1), 'master_key_mismatch');
  });
});

describe('KeyRing.destroy (crypto-shredding)', () => {
  it('makes a destroyed version unreadable at once, even though it was cached', async () => {
    const { ring } = aRing();
    const ctx = aTenant();
    await ring.currentKey(ctx);
    await ring.rotate(ctx);
    expect(await ring.destroy(ctx, 1)).toBe(1);
    await expectCryptoError(ring.key(ctx, 1), 'key_destroyed');
    expect((await ring.key(ctx, 2)).version).toBe(2);
  });

  it('destroys every version of one subject and nothing else', async () => {
    const { ring, store } = aRing();
    const tenant = aTenant();
    const subject: KeyContext = { tenantId: tenant.tenantId, scope: 'subject:user-9' };
    await ring.currentKey(tenant);
    await ring.currentKey(subject);
    await ring.rotate(subject);
    expect(await ring.destroy(subject)).toBe(2);
    await expectCryptoError(ring.key(subject, 1), 'key_destroyed');
    await expectCryptoError(ring.key(subject, 2), 'key_destroyed');
    expect((await ring.key(tenant, 1)).version).toBe(1);
    expect((await store.list(tenant.tenantId, 'subject:user-9')).every((k) => k.wrapped === null)).toBe(true);
  });

  it('another process cannot read it after its cache expires', async () => {
    const { ring, clock, otherProcess } = aRing();
    const ctx = aTenant();
    await ring.currentKey(ctx);
    await otherProcess().destroy(ctx);
    clock.now += TTL;
    await expectCryptoError(ring.key(ctx, 1), 'key_destroyed');
  });
});

describe('KeyRing.rewrapAll (master key rotation)', () => {
  it('wraps every live version under the new master key, so the old one can be dropped', async () => {
    const oldMaster = randomBytes(32);
    const newMaster = randomBytes(32);
    const { ring, store } = aRing(oldMaster);
    const tenant = aTenant();
    const subject: KeyContext = { tenantId: tenant.tenantId, scope: 'subject:user-3' };
    const v1 = await ring.currentKey(tenant);
    await ring.rotate(tenant);
    await ring.currentKey(subject);
    await ring.rotate(subject);
    await ring.destroy(subject, 1);

    const rotated = new KeyRing({ provider: new LocalKeyProvider(newMaster, [oldMaster]), store });
    expect(await rotated.rewrapAll(tenant.tenantId)).toBe(3);
    const newId = new LocalKeyProvider(newMaster).currentMasterKeyId();
    const rows = await store.list(tenant.tenantId);
    expect(rows.filter((k) => k.state !== 'destroyed').every((k) => k.masterKeyId === newId)).toBe(true);
    expect(await rotated.rewrapAll(tenant.tenantId)).toBe(0);

    const newOnly = new KeyRing({ provider: new LocalKeyProvider(newMaster), store });
    expect((await newOnly.key(tenant, 1)).key.equals(v1.key)).toBe(true);
    expect((await newOnly.key(subject, 2)).version).toBe(2);
    await expectCryptoError(newOnly.key(subject, 1), 'key_destroyed');
  });

  it("leaves other tenants' keys as they were", async () => {
    const oldMaster = randomBytes(32);
    const { ring, store } = aRing(oldMaster);
    const a = aTenant();
    const b = aTenant();
    await ring.currentKey(a);
    await ring.currentKey(b);
    const before = (await store.list(b.tenantId))[0]!.wrapped;
    const rotated = new KeyRing({ provider: new LocalKeyProvider(randomBytes(32), [oldMaster]), store });
    await rotated.rewrapAll(a.tenantId);
    expect((await store.list(b.tenantId))[0]!.wrapped).toEqual(before);
  });
});
