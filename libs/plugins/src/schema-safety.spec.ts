import { DEFAULT_PLUGIN_CAPS } from './caps';
import { checkTenantSchema, newTenantSchemaAjv, unsafeRegexReason } from './schema-safety';

const check = (schema: unknown) => checkTenantSchema(schema, '/manifest/inputSchema', DEFAULT_PLUGIN_CAPS);
const stringWithPattern = (pattern: string) => ({
  type: 'object',
  properties: { a: { type: 'string', pattern } },
});

describe('tenant schema safety', () => {
  it('accepts a schema inside the safe subset, with local refs and known formats', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        email: { type: 'string', format: 'email' },
        tags: { type: 'array', items: { $ref: '#/$defs/tag' } },
        code: { type: 'string', pattern: '^[A-Z]{3}-\\d{4}$' },
      },
      $defs: { tag: { type: ['string', 'null'], maxLength: 20 } },
    };
    expect(check(schema)).toEqual([]);
    const validate = newTenantSchemaAjv().compile(schema);
    expect(validate({ email: 'a@example.com', code: 'ABC-1234' })).toBe(true);
    expect(validate({ email: 'not an email' })).toBe(false);
  });

  it.each([
    ['^(a|a)*$', 'regex_quantified_alternation'],
    ['(a+)+', 'regex_nested_quantifier'],
    ['(a*)*', 'regex_nested_quantifier'],
    ['^(\\d{2,3}-?)+$', 'regex_nested_quantifier'],
    ['(a)\\1', 'regex_backreference'],
    ['(?<x>a)\\k<x>', 'regex_backreference'],
    ['a(?=b)', 'regex_lookaround'],
    ['(?<!a)b', 'regex_lookaround'],
  ])('refuses the pattern %s as %s', (pattern, reason) => {
    expect(unsafeRegexReason(pattern)).toMatch(new RegExp(`^${reason}:`));
    expect(check(stringWithPattern(pattern))).toEqual([
      expect.objectContaining({ code: 'schema_unsafe', path: '/manifest/inputSchema/properties/a/pattern' }),
    ]);
  });

  it('refuses a pattern longer than 512 characters', () => {
    expect(unsafeRegexReason('a'.repeat(512))).toBeUndefined();
    expect(unsafeRegexReason('a'.repeat(513))).toMatch(/^regex_too_long:/);
  });

  it.each(['^[a-z]+$', '(ab)*', '^\\d{3}-\\d{4}$', 'a{2,}', '(x|y)?z', '^\\p{L}+$'])(
    'allows the pattern %s',
    (p) => {
      expect(unsafeRegexReason(p)).toBeUndefined();
    },
  );

  it('refuses an unparseable pattern as schema_invalid', () => {
    expect(check(stringWithPattern('['))).toEqual([expect.objectContaining({ code: 'schema_invalid' })]);
  });

  it('checks patternProperties keys as regexes', () => {
    const problems = check({ type: 'object', patternProperties: { '^(x|y)+$': { type: 'string' } } });
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'schema_unsafe',
        path: '/manifest/inputSchema/patternProperties/^(x|y)+$',
      }),
    ]);
  });

  it('refuses $data anywhere', () => {
    const problems = check({
      type: 'object',
      properties: { a: { type: 'integer', maximum: { $data: '1/b' } }, b: { type: 'integer' } },
    });
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'schema_unsafe',
        path: '/manifest/inputSchema/properties/a/maximum/$data',
        message: expect.stringMatching(/^data_ref:/),
      }),
    ]);
  });

  it.each([
    [{ $ref: 'https://evil.example/schema.json' }, '/$ref', 'remote_ref'],
    [{ $ref: 'other.json#/x' }, '/$ref', 'remote_ref'],
    [{ $id: 'https://evil.example/s' }, '/$id', 'remote_id'],
    [
      { type: 'object', properties: { a: { $schema: 'http://json-schema.org/draft-07/schema#' } } },
      '/properties/a/$schema',
      'remote_schema',
    ],
    [{ $schema: 'https://evil.example/meta' }, '/$schema', 'remote_schema'],
    [{ $defs: { a: { $dynamicAnchor: 'x' } }, $dynamicRef: '#x' }, '/$dynamicRef', 'refused_keyword'],
    [{ type: 'string', format: 'credit-card' }, '/format', 'unknown_format'],
    [{ type: 'string', minimumLength: 3 }, '/minimumLength', 'unknown_keyword'],
  ])('refuses %j at %s (%s)', (schema, at, reason) => {
    expect(check(schema)).toContainEqual(
      expect.objectContaining({
        code: 'schema_unsafe',
        path: `/manifest/inputSchema${at}`,
        message: expect.stringMatching(new RegExp(`^${reason}:`)),
      }),
    );
  });

  it('refuses 10,000-deep nesting quickly and without overflowing the stack', () => {
    let deep: unknown = { type: 'string' };
    for (let i = 0; i < 10_000; i += 1) deep = { not: deep };
    const started = performance.now();
    const problems = check(deep);
    expect(performance.now() - started).toBeLessThan(100);
    expect(problems).toEqual([
      { code: 'schema_unsafe', path: '/manifest/inputSchema', message: expect.stringMatching(/^too_deep:/) },
    ]);
  });

  it('refuses a schema over the byte cap', () => {
    const schema = { type: 'object', description: 'x'.repeat(DEFAULT_PLUGIN_CAPS.maxSchemaBytes) };
    expect(check(schema)).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^too_large:/) }),
    ]);
  });

  it('reports what ajv refuses to compile as schema_invalid', () => {
    expect(check({ type: 'object', required: ['missing'] })).toEqual([
      expect.objectContaining({ code: 'schema_invalid', message: expect.stringContaining('strictRequired') }),
    ]);
    expect(check({ $ref: '#/$defs/nowhere' })).toEqual([expect.objectContaining({ code: 'schema_invalid' })]);
    expect(check('string')).toEqual([expect.objectContaining({ code: 'schema_invalid' })]);
  });
});
