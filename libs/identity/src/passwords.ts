import * as argon2 from 'argon2';
import { randomUUID } from 'node:crypto';
import { IdentityError } from './errors';

/**
 * argon2id cost. Defaults are OWASP's Password Storage Cheat Sheet first recommendation:
 * m = 19 MiB (19456 KiB), t = 2 iterations, p = 1 lane (RFC 9106's memory-constrained profile is
 * stronger but needs 64 MiB per concurrent sign-in). Raise them here and `needsRehash` will
 * upgrade each stored hash at that user's next successful sign-in.
 */
export interface PasswordHashParams {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

export const PASSWORD_HASH_PARAMS: PasswordHashParams = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * Length counts Unicode code points (what a person perceives as characters, near enough), after
 * NFKC normalisation so that the same password typed on two keyboards hashes the same way.
 */
export function checkPasswordPolicy(password: string, email: string): void {
  const normalized = normalizePassword(password);
  const length = [...normalized].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw new IdentityError(
      'password_too_short',
      `password must be at least ${PASSWORD_MIN_LENGTH} characters`,
      {
        minLength: PASSWORD_MIN_LENGTH,
      },
    );
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw new IdentityError(
      'password_too_long',
      `password must be at most ${PASSWORD_MAX_LENGTH} characters`,
      {
        maxLength: PASSWORD_MAX_LENGTH,
      },
    );
  }
  if (normalized.trim().toLowerCase() === email.normalize('NFKC').trim().toLowerCase()) {
    throw new IdentityError('password_equals_email', 'password must not be the email address');
  }
}

/**
 * `params` exists so tests of code built on this one can use a cheap cost; production callers
 * never pass it.
 */
export function hashPassword(
  password: string,
  params: PasswordHashParams = PASSWORD_HASH_PARAMS,
): Promise<string> {
  return argon2.hash(normalizePassword(password), { type: argon2.argon2id, ...params });
}

/** False for a wrong password and for a stored value that is not an argon2 hash at all. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(storedHash, normalizePassword(password));
  } catch {
    return false;
  }
}

/** True when the stored hash is not argon2id or was made with other costs than `params`. */
export function needsRehash(storedHash: string, params: PasswordHashParams = PASSWORD_HASH_PARAMS): boolean {
  if (!storedHash.startsWith('$argon2id$')) return true;
  try {
    return argon2.needsRehash(storedHash, { ...params });
  } catch {
    return true;
  }
}

const dummyHashes = new Map<string, Promise<string>>();

/**
 * The hash checked when the email is unknown. Made once per process with the same costs as real
 * hashes, from a random password nobody knows. Call it once at boot so the first unknown-email
 * sign-in does not pay for making it (which would itself be a timing signal).
 */
export function dummyPasswordHash(params: PasswordHashParams = PASSWORD_HASH_PARAMS): Promise<string> {
  const key = `${params.memoryCost}/${params.timeCost}/${params.parallelism}`;
  let hash = dummyHashes.get(key);
  if (!hash) {
    hash = hashPassword(randomUUID(), params);
    dummyHashes.set(key, hash);
  }
  return hash;
}

/**
 * Spend the time a real verification takes, so a sign-in for an unknown email cannot be told from
 * a wrong password by its response time. Always false.
 */
export async function verifyAgainstDummy(
  password: string,
  params: PasswordHashParams = PASSWORD_HASH_PARAMS,
): Promise<false> {
  await verifyPassword(await dummyPasswordHash(params), password);
  return false;
}

function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}
