import { maskSecrets, REDACTED } from './mask';

describe('maskSecrets', () => {
  const secret = 's3cr3t-t0ken/with+chars?&';

  it('masks a secret value wherever it appears', () => {
    expect(maskSecrets(`token=${secret}; again ${secret}`, [secret])).toBe(
      `token=${REDACTED}; again ${REDACTED}`,
    );
  });

  it('masks its base64, base64url and URL-encoded forms', () => {
    const base64 = Buffer.from(secret).toString('base64');
    const base64url = Buffer.from(secret).toString('base64url');
    const encoded = encodeURIComponent(secret);
    const masked = maskSecrets(`${base64} ${base64url} ${encoded}`, [secret]);
    expect(masked).not.toContain(base64.replace(/=+$/, '').slice(0, 8));
    expect(masked).not.toContain(base64url.slice(0, 8));
    expect(masked).not.toContain(encoded);
  });

  it.each(['u:', 'us:', 'use:'])(
    'masks the secret inside a base64 text at any alignment (prefix %s)',
    (prefix) => {
      const header = `Basic ${Buffer.from(`${prefix}${secret}`).toString('base64')}`;
      const masked = maskSecrets(header, [secret], { patterns: false });
      // What survives is the prefix and the few characters that also encode neighbouring bytes.
      expect(masked).toMatch(/^Basic [A-Za-z0-9+/]{0,8}\[REDACTED\][A-Za-z0-9+/]{0,3}=*$/);
    },
  );

  it('leaves very short values alone rather than shredding the text', () => {
    expect(maskSecrets('a b c abc', ['abc'])).toBe('a b c abc');
  });

  it('masks every secret given, the longest form first', () => {
    expect(
      maskSecrets('one-secret two-secret-longer', ['two-secret', 'two-secret-longer', 'one-secret']),
    ).toBe(`${REDACTED} ${REDACTED}`);
  });

  it.each([
    ['Authorization: Bearer abc.def-ghi_jkl', `Authorization: Bearer ${REDACTED}`],
    ['authorization: "Basic dXNlcjpwYXNz"', `authorization: "Basic ${REDACTED}"`],
    ['key AKIAIOSFODNN7EXAMPLE here', `key ${REDACTED} here`],
    [`gh ghp_${'a'.repeat(36)} x`, `gh ${REDACTED} x`],
    [`github_pat_${'B'.repeat(30)}`, REDACTED],
    [`api key wdn_${'Z9'.repeat(21)}a.`, `api key ${REDACTED}.`],
    [
      'k=-----BEGIN RSA PRIVATE KEY-----\nMIIE\nabc\n-----END RSA PRIVATE KEY----- done',
      `k=${REDACTED} done`,
    ],
    ['cut -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg', `cut ${REDACTED}`],
  ])('masks the well-known secret shape in %j', (text, expected) => {
    expect(maskSecrets(text, [])).toBe(expected);
  });

  it('can leave well-known shapes alone (for API responses)', () => {
    const text = `Bearer abcdef ghp_${'a'.repeat(36)}`;
    expect(maskSecrets(text, [], { patterns: false })).toBe(text);
  });

  it('treats regular expression characters in secrets literally', () => {
    expect(maskSecrets('a.b*c+d a-b-c-d', ['a.b*c+d'])).toBe(`${REDACTED} a-b-c-d`);
  });
});
