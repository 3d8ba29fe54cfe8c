import type { ExpressionContext } from '../model';
import { catchError as catchAny } from '../testing/catch-error';
import { evaluateExpression, ExpressionError, parseExpression, referencedPaths } from './index';

const catchError = (fn: () => unknown): ExpressionError => catchAny(ExpressionError, fn);

const ctx: ExpressionContext = {
  inputs: {
    environment: 'staging',
    count: 3,
    flag: false,
    list: ['a', 'b'],
    obj: { k: 'v', 'dash-key': 1 },
    zero: 0,
    empty: '',
  },
  steps: {
    'run-tests': {
      status: 'succeeded',
      outputs: { stdout: 'ok\n', items: [10, 20], nested: { deep: true } },
      exit_code: 0,
    },
    build_1: { status: 'failed', outputs: {}, exit_code: 2 },
  },
  run: { id: 'run-1', workflow: 'deploy' },
};

const ev = (src: string): unknown => evaluateExpression(src, ctx);

describe('expression evaluation', () => {
  it.each<[string, unknown]>([
    // literals
    ['1', 1],
    ['-2.5', -2.5],
    ['1e3', 1000],
    ["'single'", 'single'],
    ["'it''s'", "it's"],
    ['"double \\"q\\" \\n"', 'double "q" \n'],
    ['true', true],
    ['false', false],
    ['null', null],
    ["['a', 1, null]", ['a', 1, null]],
    ['[]', []],
    // paths
    ['inputs.environment', 'staging'],
    ['inputs.missing', null],
    ['inputs.missing.deeper', null],
    ['steps.run-tests.exit_code', 0],
    ['steps.run-tests.status', 'succeeded'],
    ['steps.run-tests.outputs.stdout', 'ok\n'],
    ['steps.run-tests.outputs.items[1]', 20],
    ["steps['run-tests'].outputs['nested'].deep", true],
    ['steps.build_1.exit_code', 2],
    ['inputs.obj.dash-key', 1],
    ['inputs.list[5]', null],
    ['inputs.list[-1]', null],
    ['inputs.list[0.5]', null],
    ["inputs.list['0']", 'a'],
    ['inputs.list[true]', null],
    ['run.id', 'run-1'],
    ['steps.nope.outputs.x', null],
    // equality: same types directly, mixed types as numbers, containers by content
    ["inputs.environment == 'staging'", true],
    ["inputs.environment == 'STAGING'", false],
    ['inputs.count == 3', true],
    ["inputs.count == '3'", true],
    ["'abc' == 0", false],
    ['null == 0', false],
    ['null == null', true],
    ['inputs.missing == 0', false],
    ['inputs.missing < 1', false],
    ['inputs.missing >= 0', false],
    ['true == 1', true],
    ["inputs.list == ['a', 'b']", true],
    ["inputs.list == 'a'", false],
    ['inputs.count != 4', true],
    // ordering
    ['1 < 2', true],
    ['2 <= 2', true],
    ['3 > 4', false],
    ['4 >= 4', true],
    ["'a' < 'b'", true],
    ["'10' < 9", false],
    ["'x' < 1", false],
    ["'x' >= 1", false],
    // logic returns operands, short-circuits
    ["inputs.count && 'yes'", 'yes'],
    ["inputs.zero && 'yes'", 0],
    ["inputs.empty || 'fallback'", 'fallback'],
    ["inputs.environment || 'fallback'", 'staging'],
    ['!inputs.flag', true],
    ['!!inputs.list', true],
    ['!inputs.zero', true],
    ["!''", true],
    ['![]', false],
    // in / not in
    ["inputs.environment in ['dev', 'staging', 'prod']", true],
    ["'qa' in ['dev', 'staging']", false],
    ["'qa' not in ['dev', 'staging']", true],
    ["'tag' in 'staging'", true],
    ["'gat' in 'staging'", false],
    ["'ag' not in 'staging'", false],
    ['3 in [1, 2, 3]', true],
    ["'3' in [1, 2, 3]", true],
    ["'x' in null", false],
    // precedence: ! binds tighter than comparison, && tighter than ||, comparison tighter than ==
    ['!inputs.flag == true', true],
    ["false && false || 'r'", 'r'],
    ['true || false && false', true],
    ['(true || false) && false', false],
    ['1 < 2 == true', true],
    ["inputs.count > 2 && inputs.environment in ['staging']", true],
    // functions
    ["contains('hello world', 'o w')", true],
    ["contains(inputs.list, 'b')", true],
    ["contains(inputs.list, 'c')", false],
    ["startsWith(inputs.environment, 'stag')", true],
    ["endsWith(inputs.environment, 'ing')", true],
    ["endsWith(inputs.environment, 'x')", false],
    ["STARTSWITH('abc', 'a')", true],
    ['length(inputs.list)', 2],
    ["length('four')", 4],
    ['length(inputs.obj)', 2],
    ['length(null)', 0],
    ['toJSON(inputs.list)', '["a","b"]'],
    ['toJSON(null)', 'null'],
    ['fromJSON(\'{"a": [1, 2]}\').a[1]', 2],
    ["fromJSON('3') == 3", true],
    ["format('{0} and {1}', 'x', inputs.count)", 'x and 3'],
    ["format('{{literal}} {0}{0}', 'ab')", '{literal} abab'],
    ["format('{0}', null)", ''],
    ["format('{0}', inputs.obj)", '{"k":"v","dash-key":1}'],
  ])('%s -> %j', (src, expected) => {
    expect(ev(src)).toEqual(expected);
  });
});

describe('expression errors carry code and position', () => {
  it.each<[string, string, number, RegExp]>([
    ['', 'expression_syntax', 0, /empty expression/],
    ['1 +', 'expression_syntax', 2, /unexpected character '\+'/],
    ['inputs.x = 1', 'expression_syntax', 9, /use '=='/],
    ["'open", 'expression_syntax', 0, /unterminated string/],
    ['(1', 'expression_syntax', 2, /expected '\)'/],
    ['[1, 2', 'expression_syntax', 5, /expected '\]'/],
    ['foo == 1', 'expression_syntax', 0, /unknown name 'foo'/],
    ['nosuch(1)', 'expression_syntax', 0, /unknown function 'nosuch'/],
    ['length(1, 2)', 'expression_syntax', 0, /takes 1 argument/],
    ["contains('a')", 'expression_syntax', 0, /takes 2 argument/],
    ['inputs.', 'expression_syntax', 7, /expected a property name/],
    ['1 2', 'expression_syntax', 2, /unexpected number 2/],
    ['a - b', 'expression_syntax', 2, /subtraction is not part/],
    ['inputs.x - 1', 'expression_syntax', 9, /unexpected number -1|subtraction/],
    ['1 not 2', 'expression_syntax', 6, /expected 'in' after 'not'/],
    ['{{ inputs.x }}', 'expression_syntax', 0, /without \{\{ \}\}/],
    ['inputs.x & 1', 'expression_syntax', 9, /use '&&'/],
    ['"bad \\q"', 'expression_syntax', 5, /unknown escape/],
    ['12abc', 'expression_syntax', 0, /invalid number/],
  ])('%j -> %s at %d', (src, code, position, message) => {
    const err = catchError(() => parseExpression(src));
    expect(err).toMatchObject({ code, position });
    expect(err.message).toMatch(message);
  });

  it.each<[string, RegExp]>([
    ["'a' in 3", /'in' needs a list or a string/],
    ['length(3)', /length\(\) needs/],
    ["fromJSON('{nope')", /not valid JSON/],
    ['fromJSON(1)', /needs a string/],
    ["format('{1}', 'a')", /\{1\} has no argument/],
    ["format('{x}', 'a')", /invalid placeholder/],
    ["format('a}', 'a')", /unmatched '\}'/],
  ])('runtime error %j', (src, message) => {
    const err = catchError(() => ev(src));
    expect(err.code).toBe('expression_runtime');
    expect(err.message).toMatch(message);
    expect(err.position).toBeGreaterThanOrEqual(0);
  });
});

describe('referencedPaths', () => {
  it.each<[string, string[][]]>([
    ['inputs.name', [['inputs', 'name']]],
    ['steps.run-tests.exit_code == 0', [['steps', 'run-tests', 'exit_code']]],
    ["steps['run-tests'].outputs.x[0]", [['steps', 'run-tests', 'outputs', 'x', '0']]],
    ['steps[inputs.which].status', [['steps'], ['inputs', 'which']]],
    [
      "format('{0}', inputs.a, steps.b.outputs.c) && !run.id",
      [
        ['inputs', 'a'],
        ['steps', 'b', 'outputs', 'c'],
        ['run', 'id'],
      ],
    ],
    ["'literal' == 1", []],
  ])('%s', (src, paths) => {
    expect(referencedPaths(parseExpression(src))).toEqual(paths);
  });
});
