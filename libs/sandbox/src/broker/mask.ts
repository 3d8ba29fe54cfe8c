/**
 * Secret masking for everything that leaves the sandbox host towards a plugin, a log or an
 * error: known secret values in the forms they are commonly re-encoded in, and well-known
 * secret shapes that no plugin output should carry.
 */

export const REDACTED = '[REDACTED]';

/** Shorter values are not masked: replacing every occurrence of 2 characters destroys the text. */
export const MIN_MASKED_SECRET_LENGTH = 4;
/** Encoded forms shorter than this are not masked on their own (too likely to match by chance). */
const MIN_ENCODED_FORM_LENGTH = 6;

export interface MaskOptions {
  /**
   * Also mask well-known secret shapes (bearer tokens, AWS keys, private key blocks, GitHub and
   * Warden tokens). On for logs, errors and outputs; the broker turns it off for response bodies,
   * where an API may legitimately hand a plugin such a value.
   */
  patterns?: boolean;
}

const SECRET_PATTERNS: readonly { pattern: RegExp; replace: string }[] = [
  {
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
    replace: REDACTED,
  },
  { pattern: /\b(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, replace: `$1${REDACTED}` },
  { pattern: /\b(Authorization\s*[:=]\s*"?Basic\s+)[A-Za-z0-9+/]+=*/gi, replace: `$1${REDACTED}` },
  { pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, replace: REDACTED },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, replace: REDACTED },
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g, replace: REDACTED },
  { pattern: /\bwd[nr]_[0-9A-Za-z]{43}\b/g, replace: REDACTED },
];

/**
 * Replaces each secret (and its base64, base64url and URL-encoded forms, including the base64
 * of the secret inside a longer base64 text such as a basic-auth header) with `[REDACTED]`.
 */
export function maskSecrets(text: string, secrets: Iterable<string>, options: MaskOptions = {}): string {
  let masked = text;
  const forms = secretForms(secrets);
  if (forms.length > 0) masked = masked.replace(formsPattern(forms), REDACTED);
  if (options.patterns ?? true) {
    for (const { pattern, replace } of SECRET_PATTERNS) masked = masked.replace(pattern, replace);
  }
  return masked;
}

/** Every string masked for these secrets, longest first so a longer form wins over its prefix. */
export function secretForms(secrets: Iterable<string>): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_MASKED_SECRET_LENGTH) continue;
    forms.add(secret);
    for (const encoded of [
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
    ]) {
      forms.add(encoded);
    }
    for (const base64 of base64Forms(secret)) {
      if (base64.length >= MIN_ENCODED_FORM_LENGTH) {
        forms.add(base64);
        forms.add(base64.replace(/\+/g, '-').replace(/\//g, '_'));
      }
    }
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * Base64 of the secret at each of the three byte alignments it can have inside a longer
 * encoded text. Characters that also depend on neighbouring bytes are dropped, so what stays
 * appears in any base64 text that contains the secret at that alignment.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [bytes.toString('base64')];
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    let encoded = padded.toString('base64').replace(/=+$/, '');
    if (offset > 0) encoded = encoded.slice(offset + 1);
    if (padded.length % 3 !== 0) encoded = encoded.slice(0, -1);
    forms.push(encoded);
  }
  return forms;
}

function formsPattern(forms: readonly string[]): RegExp {
  return new RegExp(forms.map(escapeRegExp).join('|'), 'g');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
