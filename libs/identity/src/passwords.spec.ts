import { IdentityError } from './errors';
import {
  checkPasswordPolicy,
  dummyPasswordHash,
  hashPassword,
  needsRehash,
  PASSWORD_HASH_PARAMS,
  verifyAgainstDummy,
  verifyPassword,
} from './passwords';

// argon2 at the real cost takes a few hundred ms per call here: one hash, shared by the tests.
const password = 'correct horse battery caf\u00e9';
let stored: Promise<string>;
beforeAll(() => {
  stored = hashPassword(password);
});

describe('password hashing (argon2id, OWASP parameters)', () => {
  it('stores argon2id with m=19456 KiB, t=2, p=1', async () => {
    expect(PASSWORD_HASH_PARAMS).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(await stored).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });

  it('verifies the right password, including the same text in another Unicode form', async () => {
    expect(await verifyPassword(await stored, password)).toBe(true);
    expect(await verifyPassword(await stored, 'correct horse battery cafe\u0301')).toBe(true);
  });

  it('refuses a wrong password and a stored value that is not a hash', async () => {
    expect(await verifyPassword(await stored, 'correct horse battery cafe')).toBe(false);
    expect(await verifyPassword('not-a-hash', password)).toBe(false);
  });

  it('needsRehash only when the algorithm or a cost differs', async () => {
    expect(needsRehash(await stored)).toBe(false);
    expect(needsRehash(await stored, { ...PASSWORD_HASH_PARAMS, memoryCost: 47104 })).toBe(true);
    expect(needsRehash(await stored, { ...PASSWORD_HASH_PARAMS, timeCost: 3 })).toBe(true);
    expect(needsRehash((await stored).replace('$argon2id$', '$argon2i$'))).toBe(true);
    expect(needsRehash('$2b$12$abcdefghijklmnopqrstuv')).toBe(true);
  });

  it('the dummy hash costs what a real one does, and checking against it is always false', async () => {
    const dummy = await dummyPasswordHash();
    expect(dummy).toMatch(/^\$argon2id\$/);
    expect(needsRehash(dummy)).toBe(false);
    expect(await dummyPasswordHash()).toBe(dummy);
    await expect(verifyAgainstDummy(password)).resolves.toBe(false);
  });
});

describe('checkPasswordPolicy', () => {
  const refusal = (pw: string, email = 'ada@example.com'): string | undefined => {
    try {
      checkPasswordPolicy(pw, email);
      return undefined;
    } catch (err) {
      expect(err).toBeInstanceOf(IdentityError);
      return (err as IdentityError).code;
    }
  };

  it('accepts 12 to 256 characters', () => {
    expect(refusal('a'.repeat(12))).toBeUndefined();
    expect(refusal('a'.repeat(256))).toBeUndefined();
  });

  it('refuses 11 characters as too short and 257 as too long', () => {
    expect(refusal('a'.repeat(11))).toBe('password_too_short');
    expect(refusal('a'.repeat(257))).toBe('password_too_long');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(refusal('\u{1F512}'.repeat(11))).toBe('password_too_short');
    expect(refusal('\u{1F512}'.repeat(12))).toBeUndefined();
  });

  it('refuses the email address as the password, whatever its case', () => {
    expect(refusal('Ada.Lovelace@Example.com', 'ada.lovelace@example.com')).toBe('password_equals_email');
    expect(refusal('ada.lovelace@example.org', 'ada.lovelace@example.com')).toBeUndefined();
  });
});
