import { timingSafeEqual } from 'node:crypto';
import { HOTP, Secret, TOTP } from 'otpauth';
import { IdentityError } from './errors';

/**
 * RFC 6238 defaults (SHA-1, 6 digits, 30 s): the only settings every authenticator app honours.
 * The secret is 20 bytes, RFC 4226's recommended length. It must be stored reversibly (the server
 * recomputes codes), so it belongs with the secrets that get encrypted at rest.
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
const TOTP_ALGORITHM = 'SHA1';
const TOTP_SECRET_BYTES = 20;
/** Steps accepted either side of the current one, for clock drift and typing time. */
const TOTP_WINDOW = 1;

export interface TotpEnrollment {
  readonly secretBase32: string;
  /** For the QR code; contains the secret, so show it once and never log it. */
  readonly otpauthUrl: string;
}

export function enrollTotp(accountLabel: string, issuer: string): TotpEnrollment {
  const secret = new Secret({ size: TOTP_SECRET_BYTES });
  const totp = new TOTP({
    issuer,
    label: accountLabel,
    secret,
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  });
  return { secretBase32: secret.base32, otpauthUrl: totp.toString() };
}

/** The RFC 6238 time step (counter) that `now` falls in. */
export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code for a given step; for tests and for showing a first code during enrollment checks. */
export function totpCodeAt(secretBase32: string, step: number): string {
  return HOTP.generate({
    secret: Secret.fromBase32(secretBase32),
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    counter: step,
  });
}

/**
 * Checks a code against the steps around `now` and returns the step it matched. The caller stores
 * that step as the new `lastUsedStep`; a code for that step or an earlier one is refused as
 * `mfa_code_reused`, so a code seen over someone's shoulder cannot be replayed within its window.
 */
export function verifyTotp(
  secretBase32: string,
  code: string,
  lastUsedStep: number | null | undefined,
  now: Date,
): number {
  const normalized = code.replace(/\s+/g, '');
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(normalized)) {
    throw new IdentityError('mfa_code_invalid', `code must be ${TOTP_DIGITS} digits`);
  }
  const presented = Buffer.from(normalized, 'utf8');
  const current = totpStep(now);
  let fresh: number | undefined;
  let replayed = false;
  // Every candidate is compared, matched or not, so the time taken says nothing about which did.
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step++) {
    const matches = timingSafeEqual(presented, Buffer.from(totpCodeAt(secretBase32, step), 'utf8'));
    if (!matches) continue;
    if (lastUsedStep !== null && lastUsedStep !== undefined && step <= lastUsedStep) replayed = true;
    else fresh ??= step;
  }
  if (fresh !== undefined) return fresh;
  if (replayed) throw new IdentityError('mfa_code_reused', 'this code was already used');
  throw new IdentityError('mfa_code_invalid', 'code is not valid');
}
