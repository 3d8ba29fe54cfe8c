import { randomInt } from 'node:crypto';
import { IdentityError } from './errors';
import { digestsEqual, sha256Hex } from './hashing';

/**
 * Crockford's base32 alphabet (no i, l, o, u): easy to read aloud and to type from paper.
 * 16 characters = 80 bits per code, enough that the stored SHA-256 cannot be reversed by search.
 */
const RECOVERY_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const RECOVERY_CODE_CHARS = 16;
const RECOVERY_GROUP = 4;

export interface RecoveryCodes {
  /** Shown to the person once, formatted `xxxx-xxxx-xxxx-xxxx`; never stored. */
  readonly codes: readonly string[];
  /** What to store: sha256 hex of each normalised code, in the same order. */
  readonly hashes: readonly string[];
}

export function generateRecoveryCodes(count = 10): RecoveryCodes {
  const codes: string[] = [];
  for (let i = 0; i < count; i++) {
    let code = '';
    for (let c = 0; c < RECOVERY_CODE_CHARS; c++) {
      if (c > 0 && c % RECOVERY_GROUP === 0) code += '-';
      code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
    }
    codes.push(code);
  }
  return { codes, hashes: codes.map(hashRecoveryCode) };
}

/** Case-insensitive; dashes and spaces are ignored. */
export function hashRecoveryCode(code: string): string {
  return sha256Hex(code.toLowerCase().replace(/[\s-]+/g, ''));
}

/**
 * Spends one code: returns the hashes that remain (store them in place of the old list, with a
 * compare-and-set so two concurrent uses of one code cannot both succeed). Every stored hash is
 * compared, so the time taken does not reveal which position matched.
 */
export function consumeRecoveryCode(code: string, hashes: readonly string[]): string[] {
  const presented = hashRecoveryCode(code);
  let matchedIndex = -1;
  hashes.forEach((stored, index) => {
    if (digestsEqual(presented, stored) && matchedIndex === -1) matchedIndex = index;
  });
  if (matchedIndex === -1) throw new IdentityError('recovery_code_invalid', 'recovery code is not valid');
  return hashes.filter((_, index) => index !== matchedIndex);
}
