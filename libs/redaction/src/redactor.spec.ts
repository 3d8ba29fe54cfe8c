import { Redactor } from './redactor';
import { redact } from './redact';

describe('Redactor: known values', () => {
  const secret = 's3cr3t-t0ken/with+chars?&';

  it('masks a remembered value wherever it appears, with *** by default', () => {
    const redactor = new Redactor();
    redactor.remember(secret);
    expect(redactor.mask(`token: ${secret}; again ${secret}.`)).toBe('token: ***; again ***.');
  });

  it('masks its base64, base64url and URL-encoded forms, also inside a longer base64 text', () => {
    const redactor = new Redactor({ patterns: false });
    redactor.remember(secret);
    const base64 = Buffer.from(secret).toString('base64');
    const base64url = Buffer.from(secret).toString('base64url');
    const masked = redactor.mask(
      `${base64} ${base64url} ${encodeURIComponent(secret)} ${new URLSearchParams({ q: secret })}`,
    );
    expect(masked).not.toContain(base64.slice(0, 8));
    expect(masked).not.toContain(base64url.slice(0, 8));
    expect(masked).not.toContain(encodeURIComponent(secret));
    for (const prefix of ['u:', 'us:', 'use:']) {
      const header = Buffer.from(`${prefix}${secret}`).toString('base64');
      expect(redactor.mask(header)).toMatch(/^[A-Za-z0-9+/]{0,8}\*\*\*[A-Za-z0-9+/]{0,3}=*$/);
    }
  });

  it('masks overlapping secrets as one, leaving no part of either', () => {
    const redactor = new Redactor();
    redactor.remember('alpha-beta', 'beta-gamma', 'pha-b');
    expect(redactor.mask('[alpha-beta-gamma]')).toBe('[***]');
    expect(redactor.mask('[beta-gammalpha-beta]')).toBe('[***]');
  });

  it('takes regular expression characters in a secret literally', () => {
    const redactor = new Redactor({ patterns: false });
    redactor.remember('a.b*c+d', '(x|y)$', '\\d+\\w');
    expect(redactor.mask('a.b*c+d a-b-c-d (x|y)$ x \\d+\\w 123')).toBe('*** a-b-c-d *** x *** 123');
  });

  it('ignores values shorter than 4 characters rather than shredding the text', () => {
    const redactor = new Redactor();
    redactor.remember('abc', '', undefined);
    expect(redactor.size).toBe(0);
    expect(redactor.mask('a b c abc')).toBe('a b c abc');
  });

  it('forgets the least recently remembered value past its capacity', () => {
    const redactor = new Redactor({ maxValues: 2 });
    redactor.remember('first-value', 'second-value');
    redactor.remember('first-value');
    redactor.remember('third-value');
    expect(redactor.size).toBe(2);
    expect(redactor.mask('first-value second-value third-value')).toBe('*** second-value ***');
  });

  it('uses the marker it is given', () => {
    const redactor = new Redactor({ marker: '[REDACTED]' });
    redactor.remember('hunter22');
    expect(redactor.mask('pw hunter22')).toBe('pw [REDACTED]');
  });

  it('masks thousands of values (the automaton) as it does a few', () => {
    const redactor = new Redactor({ maxValues: 5000 });
    const values = Array.from({ length: 2000 }, (_, i) => `credential-value-${i}`);
    redactor.remember(...values);
    expect(redactor.mask('a credential-value-1999 b credential-value-7 c')).toBe('a *** b *** c');
    expect(redactor.mask(Buffer.from('x:credential-value-42').toString('base64'))).toContain('***');
  });
});

describe('Redactor.maskDeep', () => {
  const redactor = new Redactor();
  redactor.remember('sekr3t-value');

  it('masks every string and key, deep in objects and arrays, and secret-named fields', () => {
    const masked = redactor.maskDeep({
      message: 'got sekr3t-value',
      list: ['a', { 'sekr3t-value': 1, nested: ['Bearer abc.def'] }],
      password: 'plain',
      clientSecret: 'plain',
      credential: 'github',
      count: 3,
      ok: true,
      none: null,
    });
    expect(masked).toEqual({
      message: 'got ***',
      list: ['a', { '***': 1, nested: ['Bearer ***'] }],
      password: '***',
      clientSecret: '***',
      credential: 'github',
      count: 3,
      ok: true,
      none: null,
    });
  });

  it('gives what JSON.stringify would see: toJSON applied, functions dropped, errors named', () => {
    const when = new Date('2024-01-02T03:04:05Z');
    const masked = redactor.maskDeep({ when, fn: () => 1, error: new TypeError('bad sekr3t-value') });
    expect(masked).toEqual({
      when: '2024-01-02T03:04:05.000Z',
      error: { name: 'TypeError', message: 'bad ***' },
    });
  });

  it('survives cycles, very deep values and __proto__ keys', () => {
    const cyclic: Record<string, unknown> = { a: 'sekr3t-value' };
    cyclic.self = cyclic;
    expect(redactor.maskDeep(cyclic)).toEqual({ a: '***', self: '[Circular]' });

    let deep: unknown = 'sekr3t-value';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(JSON.stringify(redactor.maskDeep(deep))).toContain('[Truncated]');

    const hostile = JSON.parse('{"__proto__": {"polluted": "sekr3t-value"}}') as object;
    const masked = redactor.maskDeep(hostile) as Record<string, unknown>;
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(JSON.stringify(masked)).toBe('{"__proto__":{"polluted":"***"}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('masks the same value twice the same way (the same string stays the same)', () => {
    expect(redactor.maskDeep('x sekr3t-value')).toBe('x ***');
    expect(redactor.maskDeep(42)).toBe(42);
  });
});

describe('redact (a short-lived set of secrets)', () => {
  it('masks the secrets given, the same way a Redactor does', () => {
    expect(
      redact('x one-secret two-secret-longer y', ['two-secret', 'two-secret-longer', 'one-secret']),
    ).toBe('x *** *** y');
  });

  it('does not reuse the matcher of other secrets', () => {
    expect(redact('alpha beta', ['alpha'])).toBe('*** beta');
    expect(redact('alpha beta', ['beta'])).toBe('alpha ***');
    expect(redact('a\u0000bcd abcd', ['a\u0000bcd'])).toBe('*** abcd');
    expect(redact('alpha beta', [])).toBe('alpha beta');
  });

  it('can leave well-known shapes alone', () => {
    expect(redact('Bearer abcdef', [], { patterns: false })).toBe('Bearer abcdef');
    expect(redact('Bearer abcdef', [])).toBe('Bearer ***');
  });
});

describe('linear time on hostile text with known values', () => {
  const text = 'a'.repeat(200_000);

  it.each([
    ['a few values (regular expression)', 3],
    ['thousands of values (automaton)', 2000],
  ])('%s: a value matching at every position, one almost matching everywhere', (_name, count) => {
    const redactor = new Redactor({ maxValues: 5000 });
    redactor.remember('aaaa', `${'a'.repeat(40)}b`);
    redactor.remember(...Array.from({ length: count }, (_, i) => `filler-${i}`));
    const started = performance.now();
    expect(redactor.mask(`x${text}y`)).toBe('x***y');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
