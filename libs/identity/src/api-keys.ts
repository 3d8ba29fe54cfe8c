import { randomInt } from 'node:crypto';
import { addSeconds } from './clock';
import { IdentityError } from './errors';
import { digestsEqual, sha256Hex } from './hashing';

/**
 * Secret format: `wdn_` + 43 base62 characters drawn uniformly (crypto.randomInt), i.e. 256 bits,
 * the same as 32 random bytes. Base62 rather than base64url so a double-click selects the whole
 * key and no character needs escaping anywhere; the prefix lets secret scanners recognise leaks.
 */
export const API_KEY_PREFIX = 'wdn_';
const API_KEY_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const API_KEY_BODY_CHARS = 43;
const API_KEY_PATTERN = /^wdn_[0-9A-Za-z]{43}$/;
/** Characters of the secret safe to display and store in clear to tell keys apart. */
export const API_KEY_DISPLAY_PREFIX_CHARS = 12;

export interface GeneratedApiKey {
  /** Shown once; never stored. */
  readonly secret: string;
  /** sha256 hex: what is stored and looked up. */
  readonly hash: string;
  /** `wdn_` + the first 8 characters of the body, for lists and audit. */
  readonly prefix: string;
}

/** The credential fields of an API key row. */
export interface ApiKeyCredentials {
  readonly hash: string;
  readonly prefix: string;
  /** The hash before the last rotation, still accepted until previousHashExpiresAt. */
  readonly previousHash: string | null;
  readonly previousHashExpiresAt: Date | null;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
}

export type ApiKeyMatch =
  | { readonly ok: true; readonly matched: 'current' | 'previous' }
  | { readonly ok: false; readonly reason: 'no_match' | 'revoked' | 'expired' | 'previous_expired' };

export function generateApiKey(): GeneratedApiKey {
  let body = '';
  for (let i = 0; i < API_KEY_BODY_CHARS; i++) body += API_KEY_ALPHABET[randomInt(API_KEY_ALPHABET.length)];
  const secret = API_KEY_PREFIX + body;
  return { secret, hash: hashApiKey(secret), prefix: secret.slice(0, API_KEY_DISPLAY_PREFIX_CHARS) };
}

/** A cheap shape check, so a bearer credential can be routed to API-key or JWT handling. */
export function looksLikeApiKey(token: string): boolean {
  return typeof token === 'string' && API_KEY_PATTERN.test(token);
}

export function hashApiKey(secret: string): string {
  return sha256Hex(secret);
}

/**
 * A new secret for an existing key. The old one keeps working for `graceSeconds` so deployed
 * clients can be switched over without an outage; 0 cuts it off at once.
 */
export function rotateApiKey(
  current: ApiKeyCredentials,
  now: Date,
  graceSeconds: number,
): { secret: string; credentials: ApiKeyCredentials } {
  if (current.revokedAt) throw new IdentityError('api_key_revoked', 'a revoked API key cannot be rotated');
  if (current.expiresAt && now >= current.expiresAt) {
    throw new IdentityError('api_key_expired', 'an expired API key cannot be rotated');
  }
  if (!Number.isFinite(graceSeconds) || graceSeconds < 0) {
    throw new RangeError('graceSeconds must be a non-negative number');
  }
  const next = generateApiKey();
  const keepPrevious = graceSeconds > 0;
  return {
    secret: next.secret,
    credentials: {
      ...current,
      hash: next.hash,
      prefix: next.prefix,
      previousHash: keepPrevious ? current.hash : null,
      previousHashExpiresAt: keepPrevious ? addSeconds(now, graceSeconds) : null,
    },
  };
}

/**
 * Decides whether a presented secret's hash opens this key at `now`. Both hashes are always
 * compared, in constant time, before any rule is applied.
 */
export function apiKeyMatches(record: ApiKeyCredentials, presentedHash: string, now: Date): ApiKeyMatch {
  const current = digestsEqual(presentedHash, record.hash);
  const previous = record.previousHash !== null && digestsEqual(presentedHash, record.previousHash);
  if (!current && !previous) return { ok: false, reason: 'no_match' };
  if (record.revokedAt) return { ok: false, reason: 'revoked' };
  if (record.expiresAt && now >= record.expiresAt) return { ok: false, reason: 'expired' };
  if (current) return { ok: true, matched: 'current' };
  const graceEnd = record.previousHashExpiresAt;
  if (!graceEnd || now >= graceEnd) return { ok: false, reason: 'previous_expired' };
  return { ok: true, matched: 'previous' };
}
