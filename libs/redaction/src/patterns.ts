import { maskNamedValues } from './named-values';

/**
 * Well-known secret shapes, masked even when nobody registered the value. Each pattern only
 * starts at a literal anchor (`Bearer`, `://`, a quote, a word start) and scans a run of one
 * character class once, so the time stays linear in the text, hostile input included.
 */
interface SecretPattern {
  readonly pattern: RegExp;
  /** The replacement of one match: the label kept, the secret replaced by `marker`. */
  replace(marker: string, match: string, groups: readonly string[]): string;
}

const whole = (marker: string): string => marker;
const keepFirstGroup = (marker: string, _match: string, groups: readonly string[]): string =>
  `${groups[0] ?? ''}${marker}`;

const PATTERNS: readonly SecretPattern[] = [
  {
    // An unterminated block (a cut log line) is masked to the end of the text.
    pattern:
      /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----|$)/g,
    replace: whole,
  },
  { pattern: /\b(Authorization\s*[:=]\s*"?Basic\s+)[A-Za-z0-9+/]+=*/gi, replace: keepFirstGroup },
  { pattern: /\b(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, replace: keepFirstGroup },
  {
    // Without the header name, only what decodes to `user:password` (not the word "Basic").
    pattern: /\b(Basic\s+)([A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])/g,
    replace: (marker, match, [label = '', encoded = '']) =>
      isBasicCredential(encoded) ? `${label}${marker}` : match,
  },
  {
    // The password of a URL's user info: scheme://user:password@host.
    pattern: /(:\/\/[^\s:/?#@]*:)[^\s/?#@]+(?=@)/g,
    replace: keepFirstGroup,
  },
  { pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, replace: whole },
  {
    pattern: /\b(aws_?secret_?access_?key["']?\s*[:=]\s*["']?)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi,
    replace: keepFirstGroup,
  },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, replace: whole },
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g, replace: whole },
  // Warden API keys (base62) and refresh tokens (base64url).
  { pattern: /\bwdn_[0-9A-Za-z]{43}\b/g, replace: whole },
  { pattern: /\bwdr_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g, replace: whole },
  {
    // A run that may hold JWTs; the structure is checked on the run, not by backtracking.
    pattern: /eyJ[A-Za-z0-9_.-]+/g,
    replace: (marker, run) => maskJwts(run, marker),
  },
];

/**
 * One fast scan for anything a pattern could start with; most text has none and skips the rest.
 * Every pattern above and in named-values.ts needs one of these (case-insensitive) to match.
 */
const MAYBE_SECRET =
  /PRIVATE KEY|basic|bearer|:\/\/|pass|pwd|secret|token|key|auth|sig|AKIA|ASIA|aws|gh[pousr]_|github_pat_|wd[nr]_|eyJ/i;

/** `text` with every well-known secret shape replaced by `marker`. */
export function maskPatterns(text: string, marker: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  let masked = maskNamedValues(text, marker);
  for (const { pattern, replace } of PATTERNS) {
    // The callback gets the groups, then the offset and the whole text (no named groups here).
    masked = masked.replace(pattern, (match: string, ...rest: unknown[]) =>
      replace(
        marker,
        match,
        rest.slice(0, -2).map((group) => (typeof group === 'string' ? group : '')),
      ),
    );
  }
  return masked;
}

function isBasicCredential(encoded: string): boolean {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  return decoded.includes(':') && !/[\u0000-\u001f\ufffd]/.test(decoded);
}

const MIN_JWT_PART = 10;

/**
 * Masks each `header.payload.signature` in a run of base64url characters and dots, where header
 * and payload are base64url JSON objects (they start with `eyJ`, the encoding of `{"`).
 */
function maskJwts(run: string, marker: string): string {
  const parts = run.split('.');
  const out: string[] = [];
  let i = 0;
  while (i < parts.length) {
    const part = parts[i]!;
    const start = part.indexOf('eyJ');
    const payload = parts[i + 1];
    if (
      start >= 0 &&
      i + 2 < parts.length &&
      part.length - start >= MIN_JWT_PART &&
      payload !== undefined &&
      payload.startsWith('eyJ') &&
      payload.length >= MIN_JWT_PART
    ) {
      out.push(part.slice(0, start) + marker);
      i += 3;
    } else {
      out.push(part);
      i += 1;
    }
  }
  return out.join('.');
}
