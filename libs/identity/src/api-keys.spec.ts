import { createHash } from 'node:crypto';
import {
  apiKeyMatches,
  generateApiKey,
  hashApiKey,
  looksLikeApiKey,
  rotateApiKey,
  type ApiKeyCredentials,
} from './api-keys';
import { IdentityError } from './errors';

const now = new Date('2030-01-01T00:00:00Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

function credentials(overrides: Partial<ApiKeyCredentials> = {}): {
  secret: string;
  record: ApiKeyCredentials;
} {
  const { secret, hash, prefix } = generateApiKey();
  return {
    secret,
    record: {
      hash,
      prefix,
      previousHash: null,
      previousHashExpiresAt: null,
      expiresAt: null,
      revokedAt: null,
      ...overrides,
    },
  };
}

describe('generateApiKey', () => {
  it('makes wdn_ + 43 base62 characters, its sha256 and a 12-character display prefix', () => {
    const { secret, hash, prefix } = generateApiKey();
    expect(secret).toMatch(/^wdn_[0-9A-Za-z]{43}$/);
    expect(hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(hashApiKey(secret)).toBe(hash);
    expect(prefix).toBe(secret.slice(0, 12));
    expect(prefix).toHaveLength(12);
  });

  it('draws from the whole alphabet and never repeats', () => {
    const secrets = Array.from({ length: 200 }, () => generateApiKey().secret);
    expect(new Set(secrets).size).toBe(200);
    const used = new Set(secrets.flatMap((secret) => [...secret.slice(4)]));
    expect(used.size).toBe(62);
  });
});

describe('looksLikeApiKey', () => {
  it('recognises our keys and nothing else', () => {
    expect(looksLikeApiKey(generateApiKey().secret)).toBe(true);
    expect(looksLikeApiKey(`wdn_${'a'.repeat(42)}`)).toBe(false);
    expect(looksLikeApiKey(`wdn_${'a'.repeat(42)}-`)).toBe(false);
    expect(looksLikeApiKey(`wdr_${'a'.repeat(43)}`)).toBe(false);
    expect(looksLikeApiKey('eyJhbGciOiJFZERTQSJ9.e30.sig')).toBe(false);
  });
});

describe('apiKeyMatches', () => {
  it('accepts the current secret and refuses any other', () => {
    const { secret, record } = credentials();
    expect(apiKeyMatches(record, hashApiKey(secret), now)).toEqual({ ok: true, matched: 'current' });
    expect(apiKeyMatches(record, hashApiKey(generateApiKey().secret), now)).toEqual({
      ok: false,
      reason: 'no_match',
    });
  });

  it('refuses a revoked key and an expired key with their own reasons', () => {
    const revoked = credentials({ revokedAt: now });
    expect(apiKeyMatches(revoked.record, hashApiKey(revoked.secret), now)).toEqual({
      ok: false,
      reason: 'revoked',
    });
    const expiring = credentials({ expiresAt: later(60) });
    expect(apiKeyMatches(expiring.record, hashApiKey(expiring.secret), later(59)).ok).toBe(true);
    expect(apiKeyMatches(expiring.record, hashApiKey(expiring.secret), later(60))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });
});

describe('rotateApiKey', () => {
  it('issues a new secret and keeps the old one valid for the grace period only', () => {
    const { secret: oldSecret, record } = credentials();
    const { secret: newSecret, credentials: rotated } = rotateApiKey(record, now, 3600);
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated).toMatchObject({
      hash: hashApiKey(newSecret),
      prefix: newSecret.slice(0, 12),
      previousHash: record.hash,
      previousHashExpiresAt: later(3600),
    });
    expect(apiKeyMatches(rotated, hashApiKey(newSecret), now)).toEqual({ ok: true, matched: 'current' });
    expect(apiKeyMatches(rotated, hashApiKey(oldSecret), later(3599))).toEqual({
      ok: true,
      matched: 'previous',
    });
    expect(apiKeyMatches(rotated, hashApiKey(oldSecret), later(3600))).toEqual({
      ok: false,
      reason: 'previous_expired',
    });
    expect(apiKeyMatches(rotated, hashApiKey(newSecret), later(7200)).ok).toBe(true);
  });

  it('with no grace the old secret stops at once', () => {
    const { secret: oldSecret, record } = credentials();
    const { credentials: rotated } = rotateApiKey(record, now, 0);
    expect(rotated.previousHash).toBeNull();
    expect(apiKeyMatches(rotated, hashApiKey(oldSecret), now)).toEqual({ ok: false, reason: 'no_match' });
  });

  it('revoking a rotated key stops the previous secret too', () => {
    const { secret: oldSecret, record } = credentials();
    const rotated = { ...rotateApiKey(record, now, 3600).credentials, revokedAt: now };
    expect(apiKeyMatches(rotated, hashApiKey(oldSecret), now)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('refuses to rotate a revoked or expired key', () => {
    expect(() => rotateApiKey(credentials({ revokedAt: now }).record, now, 60)).toThrow(
      expect.objectContaining({ code: 'api_key_revoked' }) as IdentityError,
    );
    expect(() => rotateApiKey(credentials({ expiresAt: now }).record, now, 60)).toThrow(
      expect.objectContaining({ code: 'api_key_expired' }) as IdentityError,
    );
  });
});
