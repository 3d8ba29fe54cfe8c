import { RequestError } from './request.errors';
import { pointerToPath, requestSchema } from './schema-validation';

describe('requestSchema', () => {
  const shape = requestSchema<{ name: string; tags?: string[] }>(
    {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1 },
        tags: { type: 'array', items: { type: 'string' } },
      },
    },
    'request body',
  );

  it('returns valid values unchanged', () => {
    expect(shape.parse({ name: 'a', tags: ['x'] })).toEqual({ name: 'a', tags: ['x'] });
  });

  it('reports every problem with its path', () => {
    let error: unknown;
    try {
      shape.parse({ tags: ['ok', 3], extra: true });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RequestError);
    const { code, details } = error as RequestError;
    expect(code).toBe('invalid_request');
    expect(details?.problems).toEqual(
      expect.arrayContaining([
        { path: 'name', message: 'is required' },
        { path: 'extra', message: 'is not a known field' },
        { path: 'tags[1]', message: 'must be string' },
      ]),
    );
  });

  it('prefixes problem paths with the root path, for values such as a header', () => {
    const header = requestSchema<string>({ type: 'string', maxLength: 3 }, 'X-Thing header', 'X-Thing');
    expect(() => header.parse('long')).toThrow(
      expect.objectContaining({
        details: { problems: [{ path: 'X-Thing', message: 'must NOT have more than 3 characters' }] },
      }),
    );
  });

  it('refuses non-objects', () => {
    expect(() => shape.parse('text')).toThrow('request body is invalid: request body: must be object');
  });
});

describe('pointerToPath', () => {
  it.each([
    ['', ''],
    ['/inputs/name', 'inputs.name'],
    ['/steps/2/depends_on/0', 'steps[2].depends_on[0]'],
    ['/a~1b/c~0d', 'a/b.c~d'],
  ])('%s -> %s', (pointer, path) => {
    expect(pointerToPath(pointer)).toBe(path);
  });
});
