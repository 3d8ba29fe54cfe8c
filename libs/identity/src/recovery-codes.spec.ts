import { createHash } from 'node:crypto';
import { IdentityError } from './errors';
import { consumeRecoveryCode, generateRecoveryCodes } from './recovery-codes';

describe('recovery codes', () => {
  it('generates ten distinct 80-bit codes and stores only their sha256', () => {
    const { codes, hashes } = generateRecoveryCodes(10);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
    expect(hashes).toEqual(
      codes.map((code) => createHash('sha256').update(code.replace(/-/g, '')).digest('hex')),
    );
  });

  it('consumes a code typed in capitals without dashes, once', () => {
    const { codes, hashes } = generateRecoveryCodes(10);
    const typed = ` ${codes[3].toUpperCase().replace(/-/g, '')} `;
    const remaining = consumeRecoveryCode(typed, hashes);
    expect(remaining).toHaveLength(9);
    expect(remaining).toEqual(hashes.filter((_, index) => index !== 3));
    expect(hashes).toHaveLength(10);
    expect(() => consumeRecoveryCode(codes[3], remaining)).toThrow(IdentityError);
  });

  it('refuses a code that is not in the list', () => {
    const { hashes } = generateRecoveryCodes(10);
    const other = generateRecoveryCodes(1).codes[0];
    try {
      consumeRecoveryCode(other, hashes);
      throw new Error('expected a refusal');
    } catch (err) {
      expect((err as IdentityError).code).toBe('recovery_code_invalid');
    }
    expect(() => consumeRecoveryCode('', hashes)).toThrow(IdentityError);
  });
});
