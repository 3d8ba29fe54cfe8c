/** Shorter values are not masked: replacing every occurrence of 3 characters destroys the text. */
export const MIN_SECRET_LENGTH = 4;
/** Encoded forms shorter than this are not masked on their own (too likely to match by chance). */
const MIN_ENCODED_FORM_LENGTH = 6;

/**
 * Every string to mask for these secrets: each secret, its URL encodings, and its base64 and
 * base64url forms (including the part that stays the same inside a longer base64 text, such as
 * a basic-auth header), without duplicates.
 */
export function secretForms(secrets: Iterable<string>): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
    for (const base64 of base64Forms(secret)) {
      if (base64.length >= MIN_ENCODED_FORM_LENGTH) {
        forms.add(base64);
        forms.add(base64.replace(/\+/g, '-').replace(/\//g, '_'));
      }
    }
  }
  return [...forms];
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
