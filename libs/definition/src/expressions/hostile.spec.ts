/** Expressions written to escape the sandbox or exhaust the evaluator. */
import type { ExpressionContext } from '../model';
import { catchError as catchAny } from '../testing/catch-error';
import { evaluateExpression, ExpressionError, parseExpression, renderTemplate } from './index';

const catchError = (fn: () => unknown): ExpressionError => catchAny(ExpressionError, fn);

const ctx = (inputs: Record<string, unknown> = {}): ExpressionContext => ({ inputs, steps: {} });

describe('no way out to JavaScript', () => {
  it.each([
    'inputs.constructor',
    'inputs.__proto__',
    "inputs['__proto__']",
    "inputs['constructor']",
    'inputs.prototype',
    'inputs.hasOwnProperty',
    'inputs.toString',
    'inputs.list.length',
    'inputs.list.map',
    "inputs.list['constructor']",
    "inputs.text['length']",
    'inputs.text.constructor',
    'steps.constructor',
    'run.constructor',
    '[].constructor',
    "[]['constructor']",
    "'abc'.constructor",
    'fromJSON(\'{"__proto__": {"polluted": 1}}\').polluted',
    'fromJSON(\'{"__proto__": 1}\').__proto__',
  ])('%s reads as null', (src) => {
    expect(evaluateExpression(src, ctx({ list: [1], text: 'abc' }))).toBeNull();
  });

  it('calls are only possible on the whitelisted function names', () => {
    const err = catchError(() => parseExpression("inputs.constructor.constructor('return process')()"));
    expect(err.code).toBe('expression_syntax');
    expect(err.message).toMatch(/only functions can be called/);
    expect(err.position).toBe(30);
    expect(catchError(() => parseExpression("toJSON('x')('y')")).message).toMatch(
      /only functions can be called/,
    );
    expect(catchError(() => parseExpression('eval(1)')).message).toMatch(/unknown function 'eval'/);
    expect(catchError(() => parseExpression('constructor')).message).toMatch(/unknown name/);
  });

  it('host objects in the context never come back out', () => {
    class Secret {
      token = 'x';
    }
    const hostile = ctx({
      fn: () => 1,
      date: new Date(0),
      secret: new Secret(),
      map: new Map([['a', 1]]),
      nested: { fn: () => 2 },
    });
    for (const src of [
      'inputs.fn',
      'inputs.date',
      'inputs.secret',
      'inputs.secret.token',
      'inputs.map',
      'inputs.nested.fn',
    ]) {
      expect(evaluateExpression(src, hostile)).toBeNull();
    }
  });

  it('a getter in the context is not run', () => {
    let ran = false;
    const inputs = {};
    Object.defineProperty(inputs, 'trap', {
      enumerable: true,
      get: () => {
        ran = true;
        return 'x';
      },
    });
    expect(evaluateExpression('inputs.trap', ctx(inputs))).toBeNull();
    expect(ran).toBe(false);
  });

  it('the prototype of Object is untouched by fromJSON', () => {
    evaluateExpression('fromJSON(\'{"__proto__": {"polluted": true}}\')', ctx());
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('bounded parsing and evaluation', () => {
  const big = { maxSourceLength: 1_000_000 };

  it('10,000 nested parentheses fail with a limit error, not a stack overflow', () => {
    const src = `${'('.repeat(10_000)}1${')'.repeat(10_000)}`;
    expect(catchError(() => parseExpression(src)).code).toBe('expression_limit');
    const err = catchError(() => parseExpression(src, big));
    expect(err.code).toBe('expression_limit');
    expect(err.message).toMatch(/nests deeper than 64/);
  });

  it.each([
    ['nested lists', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['nested negation', `${'!'.repeat(10_000)}true`],
    ['nested calls', `${'length('.repeat(10_000)}1${')'.repeat(10_000)}`],
    ['a long && chain', Array.from({ length: 5_000 }, () => 'true').join(' && ')],
    ['a long member chain', `inputs${'.a'.repeat(5_000)}`],
  ])('%s hit a limit', (_name, src) => {
    expect(catchError(() => parseExpression(src, big)).code).toBe('expression_limit');
  });

  it('node count is bounded', () => {
    const src = `[${Array.from({ length: 3_000 }, () => '1').join(',')}]`;
    const err = catchError(() => parseExpression(src));
    expect(err.code).toBe('expression_limit');
    expect(err.message).toMatch(/more than 2000 parts/);
    expect(parseExpression('[1, 2, 3]', { maxNodes: 4 })).toBeDefined();
    expect(catchError(() => parseExpression('[1, 2, 3, 4]', { maxNodes: 4 })).code).toBe('expression_limit');
  });

  it('a 5 MB string literal is refused at the source length limit', () => {
    const src = `'${'x'.repeat(5_000_000)}'`;
    const err = catchError(() => parseExpression(src));
    expect(err.code).toBe('expression_limit');
    expect(err.message).toMatch(/limit is 10000/);
  });

  it('a 5 MB string from the context passes through, but producing a longer one fails', () => {
    const huge = 'x'.repeat(5_000_000);
    expect(evaluateExpression('length(inputs.huge)', ctx({ huge }))).toBe(5_000_000);
    expect(catchError(() => evaluateExpression('toJSON(inputs.huge)', ctx({ huge }))).code).toBe(
      'expression_limit',
    );
    expect(catchError(() => evaluateExpression("format('{0}', inputs.huge)", ctx({ huge }))).code).toBe(
      'expression_limit',
    );
    expect(catchError(() => renderTemplate('a{{ inputs.huge }}', ctx({ huge }))).code).toBe(
      'expression_limit',
    );
  });

  it('a format bomb stops at the string limit', () => {
    const fmt = `'${'{0}'.repeat(60)}'`;
    let src = `'xxxxxxxxxx'`;
    for (let i = 0; i < 4; i++) src = `format(${fmt}, ${src})`; // 10 * 60^4 characters if unbounded
    const err = catchError(() => evaluateExpression(src, ctx()));
    expect(err.code).toBe('expression_limit');
    expect(err.message).toMatch(/more than 1000000 characters/);
    expect(
      catchError(() => evaluateExpression("format('{0}{0}{0}', 'abcd')", ctx(), { maxStringLength: 10 }))
        .code,
    ).toBe('expression_limit');
  });
});
