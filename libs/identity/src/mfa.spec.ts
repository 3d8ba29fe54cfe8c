import { IdentityError, type IdentityErrorCode } from './errors';
import { enrollTotp, totpCodeAt, totpStep, verifyTotp } from './mfa';

// RFC 6238 appendix B: ASCII secret "12345678901234567890" (SHA-1); at T = 59 s the 8-digit code
// is 94287082, so the 6-digit code is 287082.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const at59s = new Date(59_000);

function refusal(run: () => unknown): IdentityErrorCode | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(IdentityError);
    return (err as IdentityError).code;
  }
}

describe('enrollTotp', () => {
  it('makes a 160-bit secret and an otpauth URL with issuer, label and the standard settings', () => {
    const { secretBase32, otpauthUrl } = enrollTotp('ada@example.com', 'Warden');
    expect(secretBase32).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Warden:ada@example.com');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      issuer: 'Warden',
      secret: secretBase32,
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
    expect(enrollTotp('ada@example.com', 'Warden').secretBase32).not.toBe(secretBase32);
  });
});

describe('verifyTotp', () => {
  it('matches the RFC 6238 test vector and returns its step', () => {
    expect(totpStep(at59s)).toBe(1);
    expect(totpCodeAt(RFC_SECRET, 1)).toBe('287082');
    expect(verifyTotp(RFC_SECRET, '287082', null, at59s)).toBe(1);
    expect(verifyTotp(RFC_SECRET, '287 082', undefined, at59s)).toBe(1);
  });

  it('accepts one step either side and nothing further', () => {
    const secret = enrollTotp('a', 'W').secretBase32;
    const now = new Date('2030-01-01T00:00:10Z');
    const step = totpStep(now);
    expect(verifyTotp(secret, totpCodeAt(secret, step - 1), null, now)).toBe(step - 1);
    expect(verifyTotp(secret, totpCodeAt(secret, step + 1), null, now)).toBe(step + 1);
    expect(refusal(() => verifyTotp(secret, totpCodeAt(secret, step - 2), null, now))).toBe(
      'mfa_code_invalid',
    );
    expect(refusal(() => verifyTotp(secret, totpCodeAt(secret, step + 2), null, now))).toBe(
      'mfa_code_invalid',
    );
  });

  it('refuses a code whose step is not after the last used one', () => {
    const secret = enrollTotp('a', 'W').secretBase32;
    const now = new Date('2030-01-01T00:00:10Z');
    const step = totpStep(now);
    const used = verifyTotp(secret, totpCodeAt(secret, step), null, now);
    expect(refusal(() => verifyTotp(secret, totpCodeAt(secret, step), used, now))).toBe('mfa_code_reused');
    expect(refusal(() => verifyTotp(secret, totpCodeAt(secret, step - 1), used, now))).toBe(
      'mfa_code_reused',
    );
    expect(verifyTotp(secret, totpCodeAt(secret, step + 1), used, now)).toBe(step + 1);
  });

  it.each(['', '28708', '2870823', 'abcdef', '287O82'])('refuses the malformed code %p', (code) => {
    expect(refusal(() => verifyTotp(RFC_SECRET, code, null, at59s))).toBe('mfa_code_invalid');
  });

  it('refuses a wrong code', () => {
    const wrong = totpCodeAt(RFC_SECRET, 1) === '000000' ? '000001' : '000000';
    expect(refusal(() => verifyTotp(RFC_SECRET, wrong, null, at59s))).toBe('mfa_code_invalid');
  });
});
