import {
  findValueProblem,
  MAX_NESTING_DEPTH,
  toStorableText,
  unstorableCharacter,
  unstorableCharacterInText,
} from './input-limits';

const nestedObject = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

describe('input limits', () => {
  it('accepts MAX_NESTING_DEPTH levels and names the path of the first one deeper', () => {
    expect(findValueProblem(nestedObject(MAX_NESTING_DEPTH))).toBeUndefined();
    expect(findValueProblem(nestedObject(MAX_NESTING_DEPTH + 1))).toEqual({
      path: Array(MAX_NESTING_DEPTH).fill('a').join('.'),
      message: `nests deeper than ${MAX_NESTING_DEPTH} levels`,
    });
  });

  it('walks huge and deep values without recursion', () => {
    expect(findValueProblem(nestedObject(200_000))?.message).toContain('deeper');
    expect(findValueProblem(Array(300_000).fill('x'))).toBeUndefined();
  });

  it('finds NUL and unpaired surrogates in strings and field names, in document order', () => {
    expect(findValueProblem({ a: 'ok', b: ['x', 'a\u0000'], c: '\ud800' })).toEqual({
      path: 'b[1]',
      message: 'contains a NUL character (U+0000)',
    });
    expect(findValueProblem({ inputs: { 'k\udc00': 1 } })?.path).toBe('inputs.k\udc00');
  });

  it('accepts any other Unicode text', () => {
    for (const text of ['💥', 'ﬂow', '\u202eRTL', '漢字', 'a\u0001b', '\ud83d\udca5']) {
      expect(unstorableCharacter(text)).toBeUndefined();
    }
  });

  it('locates a NUL in a text by line and column', () => {
    expect(unstorableCharacterInText('name: x\nversion: a\u0000b\n')).toEqual({
      path: '',
      message: 'contains a NUL character (U+0000)',
      line: 2,
      column: 11,
    });
  });

  it('replaces what cannot be stored', () => {
    expect(toStorableText('a\u0000b\ud800c\ud83d\udca5')).toBe('a\uFFFDb\uFFFDc\ud83d\udca5');
  });
});
