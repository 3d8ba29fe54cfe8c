/** Hostile definitions: each must fail fast with a located problem, never crash or stall. */
import { parseWorkflow } from './parse';
import { MAX_SHOWN_LENGTH } from './validate/fields';
import { MAX_PROBLEMS } from './validate/problems';
import { RESERVED_NAMES } from './validate/rules';
import { MAX_NESTING_DEPTH, sourceTextProblem } from './validate/text-limits';

const VALID = 'name: t\nversion: 1\nsteps:\n  - id: a\n    type: noop\n';
const flowLists = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const blockLists = (depth: number): string =>
  Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}-\n`).join('');
const unknownKeys = (n: number): string => VALID + Array.from({ length: n }, (_, i) => `k${i}: 1\n`).join('');

describe('nesting depth', () => {
  it.each([
    ['flow lists', flowLists],
    ['block lists', blockLists],
  ])('accepts %s MAX_NESTING_DEPTH deep and refuses one level more, with its position', (_kind, make) => {
    expect(sourceTextProblem(make(MAX_NESTING_DEPTH))).toBeUndefined();
    expect(sourceTextProblem(make(MAX_NESTING_DEPTH + 1))).toMatchObject({
      code: 'syntax_error',
      message: `the document nests deeper than ${MAX_NESTING_DEPTH} levels`,
      line: expect.any(Number),
      column: expect.any(Number),
    });
  });

  it('parseWorkflow refuses 100,000 levels (which crash the YAML composer) without recursing', () => {
    expect(parseWorkflow(`steps: ${flowLists(100_000)}`)).toEqual({
      problems: [
        {
          code: 'syntax_error',
          message: `the document nests deeper than ${MAX_NESTING_DEPTH} levels`,
          path: '',
          line: 1,
          column: 8 + MAX_NESTING_DEPTH - 1,
          severity: 'error',
        },
      ],
    });
  });

  it('refuses values that aliases nest deeper than the limit although the text does not', () => {
    const deep = `${'['.repeat(40)}1${']'.repeat(40)}`;
    const text = `${VALID}x: &d ${deep}\ny: ${'['.repeat(40)}*d${']'.repeat(40)}\n`;
    expect(parseWorkflow(text).problems).toEqual([
      expect.objectContaining({
        code: 'invalid_value',
        message: `nests deeper than ${MAX_NESTING_DEPTH} levels`,
      }),
    ]);
  });
});

describe('characters no process or database can hold', () => {
  it('refuses a raw NUL with its line and column', () => {
    expect(parseWorkflow('name: x\nversion: 1\u0000\n').problems).toEqual([
      expect.objectContaining({
        code: 'syntax_error',
        message: 'contains a NUL character (U+0000)',
        line: 2,
        column: 11,
      }),
    ]);
  });

  it('refuses a NUL or lone surrogate written as an escape, naming the field', () => {
    const withEscape = (escape: string): string =>
      VALID.replace('type: noop', `type: noop\n    name: "a${escape}b"`);
    expect(parseWorkflow(withEscape('\\0')).problems).toEqual([
      expect.objectContaining({ code: 'invalid_value', path: 'steps[0].name', line: 6, column: 11 }),
    ]);
    expect(parseWorkflow(withEscape('\\ud800')).problems).toEqual([
      expect.objectContaining({ code: 'invalid_value', message: expect.stringMatching(/surrogate/) }),
    ]);
    expect(parseWorkflow(withEscape(' 💥')).definition?.steps[0]?.name).toBe('a 💥b');
  });
});

describe('many problems', () => {
  /** Parse time at 20,000 items over parse time at 2,500 (best of three each). */
  function growth(text: (n: number) => string): number {
    const best = (n: number): number => {
      const source = text(n);
      let fastest = Infinity;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        parseWorkflow(source);
        fastest = Math.min(fastest, performance.now() - started);
      }
      return fastest;
    };
    return best(20_000) / best(2_500);
  }

  it('parses 20,000 unknown keys in linear time and reports 100 problems plus a count', () => {
    // Growth, not a wall-clock budget (the machine may be busy): 8x the keys must cost far less
    // than the 64x a quadratic check would.
    expect(growth((n) => unknownKeys(n))).toBeLessThan(24);
    const { definition, problems } = parseWorkflow(unknownKeys(20_000));
    expect(definition).toBeUndefined();
    expect(problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(problems[0]).toMatchObject({ code: 'unknown_field', path: 'k0', line: 6, column: 1 });
    expect(problems[MAX_PROBLEMS]).toEqual({
      code: 'too_many_problems',
      message: '19900 more problems not shown; fix these first',
      path: '',
      severity: 'error',
    });
  });

  it('finds 20,000 duplicate keys in linear time, still located', () => {
    const duplicates = (n: number): string => VALID + Array.from({ length: n }, () => 'x: 1\n').join('');
    expect(growth(duplicates)).toBeLessThan(24);
    const { problems } = parseWorkflow(duplicates(20_000));
    expect(problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(problems[0]).toEqual({
      code: 'syntax_error',
      message: 'Map keys must be unique',
      path: '',
      line: 7,
      column: 1,
      severity: 'error',
    });
    expect(problems[MAX_PROBLEMS]?.message).toBe('19899 more problems not shown; fix these first');
  });

  it('reports exactly MAX_PROBLEMS problems without a count', () => {
    expect(parseWorkflow(unknownKeys(MAX_PROBLEMS)).problems.map((p) => p.code)).not.toContain(
      'too_many_problems',
    );
  });
});

describe('messages quote at most MAX_SHOWN_LENGTH characters of a value', () => {
  const long = 'n'.repeat(900_000);
  it.each([
    ['a workflow name', `name: "${long}!"\nversion: 1\nsteps: [{ id: a, type: noop }]\n`, 'invalid_value'],
    ['an unknown field', `${VALID}? ${long}\n: 1\n`, 'unknown_field'],
    ['a step type', VALID.replace('noop', long), 'unknown_step_type'],
    ['a step id', VALID.replace('id: a', `id: "${long}!"`), 'invalid_step_id'],
  ])('%s', (_what, text, code) => {
    const [problem] = parseWorkflow(text).problems;
    expect(problem?.code).toBe(code);
    expect(problem?.message).toContain(`'${'n'.repeat(MAX_SHOWN_LENGTH)}…'`);
    expect(problem?.message.length).toBeLessThan(MAX_SHOWN_LENGTH + 150);
  });

  it('never splits a surrogate pair', () => {
    const emoji = `${'n'.repeat(MAX_SHOWN_LENGTH - 1)}💥`;
    const [problem] = parseWorkflow(VALID.replace('noop', `"${emoji}"`)).problems;
    expect(problem?.message).toContain(`'${'n'.repeat(MAX_SHOWN_LENGTH - 1)}…'`);
  });
});

describe('reserved names', () => {
  it.each(['constructor', 'hasOwnProperty', 'prototype', 'toString', 'valueOf'])(
    'refuses step id %s, which expressions could not read',
    (id) => {
      const { definition, problems } = parseWorkflow(VALID.replace('id: a', `id: ${id}`));
      expect(definition).toBeUndefined();
      expect(problems).toEqual([
        {
          code: 'invalid_step_id',
          message: `step id '${id}' is reserved (expressions could not read steps.${id}); choose another id`,
          path: 'steps[0].id',
          line: 4,
          column: 9,
          severity: 'error',
        },
      ]);
    },
  );

  it('refuses __proto__ as a step id too', () => {
    expect(parseWorkflow(VALID.replace('id: a', 'id: __proto__')).problems).toEqual([
      expect.objectContaining({ code: 'invalid_step_id', path: 'steps[0].id' }),
    ]);
  });

  it.each([...RESERVED_NAMES])('refuses input name %s', (name) => {
    const text = `${VALID}inputs:\n  ${name}: { type: string }\n`;
    expect(parseWorkflow(text).problems).toEqual([
      expect.objectContaining({ code: 'invalid_value', path: `inputs.${name}`, line: 7, column: 3 }),
    ]);
  });

  it('still accepts ids that merely contain a reserved word', () => {
    expect(parseWorkflow(VALID.replace('id: a', 'id: toString2')).definition).toBeDefined();
  });
});
