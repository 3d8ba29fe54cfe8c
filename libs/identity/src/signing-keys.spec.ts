import { calculateJwkThumbprint } from 'jose';
import { AccessTokenService } from './access-tokens';
import { DEFAULT_IDENTITY_CONFIG } from './config';
import { IdentityError } from './errors';
import { generateSigningKey, SigningKeyRing } from './signing-keys';
import { InMemorySigningKeyStore } from './testing/in-memory-stores';
import { ManualClock } from './testing/manual-clock';

const config = DEFAULT_IDENTITY_CONFIG;
const user = { userId: 'u1', tenantId: 't1', sessionId: 'f1', amr: ['pwd' as const] };

function setup() {
  const clock = new ManualClock();
  const store = new InMemorySigningKeyStore();
  const ring = new SigningKeyRing(store, config, clock);
  return { clock, store, ring, tokens: new AccessTokenService(ring, config, clock) };
}

function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string }).kid;
}

describe('generateSigningKey', () => {
  it('makes an Ed25519 pair whose kid is the public key thumbprint', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const key = await generateSigningKey(now);
    expect(key.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(key.publicJwk.d).toBeUndefined();
    expect(typeof key.privateJwk.d).toBe('string');
    expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk));
    expect(key).toMatchObject({ createdAt: now, retiredAt: null, notAfter: null });
    expect((await generateSigningKey(now)).kid).not.toBe(key.kid);
  });
});

describe('SigningKeyRing', () => {
  it('refuses to sign before any key exists', async () => {
    const { ring } = setup();
    await expect(ring.signingKey()).rejects.toMatchObject({ code: 'signing_key_unavailable' });
    await expect(ring.signingKey()).rejects.toBeInstanceOf(IdentityError);
  });

  it('ensureActiveKey creates the first key once', async () => {
    const { ring, store } = setup();
    const first = await ring.ensureActiveKey();
    const again = await ring.ensureActiveKey();
    expect(again.kid).toBe(first.kid);
    expect(await store.list()).toHaveLength(1);
  });

  it('publishes only public parts in the JWKS, marked EdDSA / sig', async () => {
    const { ring } = setup();
    const key = await ring.ensureActiveKey();
    const jwks = await ring.jwks();
    expect(jwks).toEqual({
      keys: [{ kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x, kid: key.kid, alg: 'EdDSA', use: 'sig' }],
    });
    expect(JSON.stringify(jwks)).not.toContain('"d"');
  });

  it('rotate signs with the new key and keeps the old one verifying until its tokens have expired', async () => {
    const { ring, tokens, clock, store } = setup();
    const old = await ring.ensureActiveKey();
    const oldToken = (await tokens.issue(user)).token;

    clock.advanceSeconds(60);
    const rotatedAt = clock.now();
    const fresh = await ring.rotate();
    const newToken = (await tokens.issue(user)).token;
    expect(kidOf(oldToken)).toBe(old.kid);
    expect(kidOf(newToken)).toBe(fresh.kid);

    const retired = (await store.list()).find((key) => key.kid === old.kid);
    expect(retired?.retiredAt).toEqual(rotatedAt);
    expect(retired?.notAfter).toEqual(new Date(rotatedAt.getTime() + (900 + 30) * 1000));

    await expect(tokens.verify(oldToken)).resolves.toMatchObject({ tenantId: 't1' });
    expect((await ring.jwks()).keys.map((key) => key.kid)).toEqual([fresh.kid, old.kid]);

    clock.set(retired!.notAfter!);
    expect((await ring.jwks()).keys.map((key) => key.kid)).toEqual([fresh.kid, old.kid]);
    clock.advanceSeconds(1);
    expect((await ring.jwks()).keys.map((key) => key.kid)).toEqual([fresh.kid]);
    expect(await ring.verificationKey(old.kid)).toBeUndefined();
    expect(await ring.verificationKey(fresh.kid)).toBeDefined();
  });

  it('a token from a key past notAfter is refused as an unknown kid', async () => {
    const { ring, clock } = setup();
    await ring.ensureActiveKey();
    // A service with a longer TTL than the ring assumes, so only the key's retirement can refuse.
    const longLived = new AccessTokenService(ring, { ...config, accessTokenTtlSeconds: 7200 }, clock);
    const { token } = await longLived.issue(user);
    await ring.rotate();
    clock.advanceSeconds(900 + 30);
    await expect(longLived.verify(token)).resolves.toBeDefined();
    clock.advanceSeconds(1);
    await expect(longLived.verify(token)).rejects.toMatchObject({ code: 'token_unknown_kid' });
  });

  it('another instance sharing the store signs with a rotated key at once and verifies its tokens', async () => {
    const { ring, store, clock, tokens } = setup();
    await ring.ensureActiveKey();
    const other = new SigningKeyRing(store, config, clock);
    const otherTokens = new AccessTokenService(other, config, clock);
    await otherTokens.verify((await tokens.issue(user)).token); // warms the other instance's cache

    const fresh = await ring.rotate();
    const fromOther = (await otherTokens.issue(user)).token;
    expect(kidOf(fromOther)).toBe(fresh.kid);

    clock.advanceSeconds(10);
    const third = await new SigningKeyRing(store, config, clock).rotate();
    const fromNewest = (await tokens.issue(user)).token;
    expect(kidOf(fromNewest)).toBe(third.kid);
    await expect(otherTokens.verify(fromNewest)).resolves.toBeDefined();
  });
});
