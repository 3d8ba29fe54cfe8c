import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * SHA-256 is enough for the high-entropy secrets this library mints (refresh tokens, API keys,
 * recovery codes: 80 bits or more): nobody can enumerate them, so a slow hash would only cost us.
 */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Compares two hex digests without leaking, through timing, how many leading characters match. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
