/**
 * Secret masking for everything that leaves the sandbox host towards a plugin, a log or an
 * error: known secret values in the forms they are commonly re-encoded in, and well-known
 * secret shapes that no plugin output should carry. The logic is @warden/redaction's (the
 * loggers use the same); this keeps the sandbox's marker and call shape.
 */
import { MIN_SECRET_LENGTH, redact, secretForms } from '@warden/redaction';

export const REDACTED = '[REDACTED]';

/** Shorter values are not masked: replacing every occurrence of 2 characters destroys the text. */
export const MIN_MASKED_SECRET_LENGTH = MIN_SECRET_LENGTH;

export interface MaskOptions {
  /**
   * Also mask well-known secret shapes (bearer tokens, AWS keys, private key blocks, JWTs, GitHub
   * and Warden tokens, passwords in URLs). On for logs, errors and outputs; the broker turns it
   * off for response bodies, where an API may legitimately hand a plugin such a value.
   */
  patterns?: boolean;
}

/**
 * Replaces each secret (and its base64, base64url and URL-encoded forms, including the base64
 * of the secret inside a longer base64 text such as a basic-auth header) with `[REDACTED]`;
 * overlapping secrets are masked as one.
 */
export function maskSecrets(text: string, secrets: Iterable<string>, options: MaskOptions = {}): string {
  return redact(text, secrets, { marker: REDACTED, patterns: options.patterns ?? true });
}

/** Every string masked for these secrets (the broker reads past its cap by the longest). */
export { secretForms };
