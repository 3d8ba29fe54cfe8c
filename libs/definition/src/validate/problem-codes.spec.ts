/**
 * Every problem code a definition can produce, each with its path, line and column asserted.
 * (input_required, input_type, input_validation and unknown_run_input concern run inputs and are
 * covered in inputs.spec.ts.)
 */
import type { ProblemCode, SecurityProfile } from '../model';
import { parseWorkflow } from '../parse';

/** A valid head, so each case below only adds the lines under test (steps start on line 4). */
const HEAD = ['name: t', 'version: 1', 'inputs:', '  env: { type: string, default: dev }', 'steps:'];
const doc = (...lines: string[]): string => [...HEAD, ...lines].join('\n');

type Expected = [code: ProblemCode, path: string, line: number, column: number, message?: RegExp];

const cases: [string, string, Expected[], SecurityProfile?][] = [
  ['syntax_error', 'name: t\nversion: [1\n', [['syntax_error', '', 3, 1]]],
  ['syntax_error: duplicate key', 'name: t\nname: u\n', [['syntax_error', '', 2, 1, /unique/]]],
  ['not_an_object (document)', '- a\n- b\n', [['not_an_object', '', 1, 1]]],
  ['not_an_object (step)', doc('  - just a string'), [['not_an_object', 'steps[0]', 6, 5]]],
  [
    'not_an_object (input)',
    'name: t\nversion: 1\ninputs:\n  x: string\nsteps: [{ id: a, type: noop }]',
    [['not_an_object', 'inputs.x', 4, 6]],
  ],
  [
    'missing_field (top level)',
    'name: t\nsteps: [{ id: a, type: noop }]\n',
    [['missing_field', 'version', 1, 1, /needs a 'version'/]],
  ],
  ['missing_field (step type)', doc('  - id: a'), [['missing_field', 'steps[0].type', 6, 5]]],
  [
    'missing_field (type field)',
    doc('  - id: a', '    type: shell'),
    [['missing_field', 'steps[0].command', 6, 5, /shell step needs 'command'/]],
  ],
  [
    'missing_field (retry.attempts)',
    doc('  - id: a', '    type: noop', '    retry: { delay: 1 }'),
    [['missing_field', 'steps[0].retry.attempts', 8, 12]],
  ],
  [
    'unknown_field (top level)',
    doc('  - id: a', '    type: noop').replace('name: t', 'name: t\nnmae: x'),
    [['unknown_field', 'nmae', 2, 1]],
  ],
  [
    'unknown_field (step)',
    doc('  - id: a', '    type: shell', '    comand: ls', '    command: ls'),
    [['unknown_field', 'steps[0].comand', 8, 5, /a shell step/]],
  ],
  [
    'unknown_field (input)',
    'name: t\nversion: 1\ninputs:\n  x: { type: string, defualt: a }\nsteps: [{ id: a, type: noop }]',
    [['unknown_field', 'inputs.x.defualt', 4, 22]],
  ],
  [
    'wrong_type (timeout)',
    doc('  - id: a', '    type: noop', '    timeout: "ten"'),
    [['wrong_type', 'steps[0].timeout', 8, 14]],
  ],
  [
    'wrong_type (depends_on)',
    doc('  - id: a', '    type: noop', '    depends_on: b'),
    [['wrong_type', 'steps[0].depends_on', 8, 17]],
  ],
  [
    'wrong_type (type field)',
    doc('  - id: a', '    type: delay', '    duration: soon'),
    [['wrong_type', 'steps[0].duration', 8, 15]],
  ],
  [
    'wrong_type (string map)',
    doc('  - id: a', '    type: http', '    url: http://x', '    headers: { A: [1] }'),
    [['wrong_type', 'steps[0].headers.A', 9, 19]],
  ],
  [
    'invalid_value (timeout 0)',
    doc('  - id: a', '    type: noop', '    timeout: 0'),
    [['invalid_value', 'steps[0].timeout', 8, 14, /greater than 0/]],
  ],
  [
    'invalid_value (retry.attempts)',
    doc('  - id: a', '    type: noop', '    retry: { attempts: 0 }'),
    [['invalid_value', 'steps[0].retry.attempts', 8, 24]],
  ],
  [
    'invalid_value (retry.attempts integer)',
    doc('  - id: a', '    type: noop', '    retry: { attempts: 1.5 }'),
    [['invalid_value', 'steps[0].retry.attempts', 8, 24, /whole number/]],
  ],
  [
    'invalid_value (backoff)',
    doc('  - id: a', '    type: noop', '    retry: { attempts: 2, backoff: 0.5 }'),
    [['invalid_value', 'steps[0].retry.backoff', 8, 36]],
  ],
  [
    'invalid_value (enum field)',
    doc('  - id: a', '    type: log', '    message: hi', '    level: loud'),
    [['invalid_value', 'steps[0].level', 9, 12]],
  ],
  [
    'invalid_value (delay duration)',
    doc('  - id: a', '    type: delay', '    duration: 0'),
    [['invalid_value', 'steps[0].duration', 8, 15]],
  ],
  [
    'invalid_value (url)',
    doc('  - id: a', '    type: http', '    url: ftp://x'),
    [['invalid_value', 'steps[0].url', 8, 10, /http/]],
  ],
  [
    'invalid_value (expected_status)',
    doc('  - id: a', '    type: http', '    url: http://x', '    expected_status: [200, 99]'),
    [['invalid_value', 'steps[0].expected_status', 9, 22]],
  ],
  ['invalid_value (no steps)', 'name: t\nversion: 1\nsteps: []\n', [['invalid_value', 'steps', 3, 8]]],
  [
    'invalid_value (workflow name)',
    'name: "has space"\nversion: 1\nsteps: [{ id: a, type: noop }]\n',
    [['invalid_value', 'name', 1, 7]],
  ],
  [
    'invalid_value (security_profile)',
    'name: t\nversion: 1\nsecurity_profile: root\nsteps: [{ id: a, type: noop }]\n',
    [['invalid_value', 'security_profile', 3, 19]],
  ],
  [
    'invalid_value (input name)',
    'name: t\nversion: 1\ninputs:\n  bad.name: { type: string }\nsteps: [{ id: a, type: noop }]',
    [['invalid_value', 'inputs["bad.name"]', 4, 3]],
  ],
  [
    'invalid_value (input type)',
    'name: t\nversion: 1\ninputs:\n  x: { type: text }\nsteps: [{ id: a, type: noop }]',
    [['invalid_value', 'inputs.x.type', 4, 14]],
  ],
  [
    'invalid_value (pattern does not compile)',
    'name: t\nversion: 1\ninputs:\n  x:\n    type: string\n    validation: { pattern: "([a-z" }\nsteps: [{ id: a, type: noop }]',
    [['invalid_value', 'inputs.x.validation.pattern', 6, 28, /not a valid regular expression/]],
  ],
  [
    'invalid_value (default fails its spec)',
    'name: t\nversion: 1\ninputs:\n  x:\n    type: string\n    default: prod1\n    validation: { pattern: "^(dev|prod)$" }\nsteps: [{ id: a, type: noop }]',
    [['invalid_value', 'inputs.x.default', 6, 14, /does not match/]],
  ],
  [
    'invalid_value (default of the wrong type)',
    'name: t\nversion: 1\ninputs:\n  n: { type: integer, default: 1.5 }\nsteps: [{ id: a, type: noop }]',
    [['invalid_value', 'inputs.n.default', 4, 32, /expected an integer/]],
  ],
  [
    'invalid_value (rule for another type)',
    'name: t\nversion: 1\ninputs:\n  n: { type: number, validation: { pattern: "x" } }\nsteps: [{ id: a, type: noop }]',
    [['invalid_value', 'inputs.n.validation.pattern', 4, 45]],
  ],
  [
    'invalid_value (bash command with a template)',
    doc('  - id: a', '    type: shell', '    shell: bash', '    command: "echo {{ inputs.env }}"'),
    [['invalid_value', 'steps[0].command', 9, 20, /env/]],
  ],
  [
    'duplicate_step_id',
    doc('  - id: a', '    type: noop', '  - id: a', '    type: noop'),
    [['duplicate_step_id', 'steps[1].id', 8, 9, /already used by steps\[0\]/]],
  ],
  ['invalid_step_id', doc('  - id: 1st', '    type: noop'), [['invalid_step_id', 'steps[0].id', 6, 9]]],
  [
    'unknown_dependency',
    doc('  - id: a', '    type: noop', '    depends_on: [b, ghost]', '  - id: b', '    type: noop'),
    [['unknown_dependency', 'steps[0].depends_on[1]', 8, 21, /'ghost'/]],
  ],
  [
    'dependency_cycle',
    doc(
      '  - id: a',
      '    type: noop',
      '    depends_on: [b]',
      '  - id: b',
      '    type: noop',
      '    depends_on: [a]',
    ),
    [['dependency_cycle', 'steps[0].depends_on[0]', 8, 18, /a -> b -> a/]],
  ],
  [
    'dependency_cycle (self)',
    doc('  - id: a', '    type: noop', '    depends_on: [a]'),
    [['dependency_cycle', 'steps[0].depends_on[0]', 8, 18, /a -> a/]],
  ],
  [
    'unknown_step_type',
    doc('  - id: a', '    type: teleport'),
    [['unknown_step_type', 'steps[0].type', 7, 11, /'teleport'/]],
  ],
  [
    'expression_syntax (when, column inside)',
    doc('  - id: a', '    type: noop', '    when: "inputs.env == = 1"'),
    [['expression_syntax', 'steps[0].when', 8, 26]],
  ],
  [
    'expression_syntax (template)',
    doc('  - id: a', '    type: log', "    message: 'x {{ inputs.env ==  }}'"),
    [['expression_syntax', 'steps[0].message', 8, 35]],
  ],
  [
    'expression_syntax (unclosed template)',
    doc('  - id: a', '    type: log', '    message: "x {{ inputs.env"'),
    [['expression_syntax', 'steps[0].message', 8, 17]],
  ],
  [
    'expression_syntax (assert condition)',
    doc('  - id: a', '    type: assert', '    condition: "{{ inputs.env }}"'),
    [['expression_syntax', 'steps[0].condition', 8, 17, /without \{\{/]],
  ],
  [
    'expression_syntax (inside a body)',
    doc('  - id: a', '    type: http', '    url: http://x', '    body: { list: [ok, "{{ (}}"] }'),
    [['expression_syntax', 'steps[0].body.list[1]', 9, 29]],
  ],
  [
    'unknown_input',
    doc('  - id: a', '    type: shell', '    command: "echo {{ inputs.nmae }}"'),
    [['unknown_input', 'steps[0].command', 8, 23, /'inputs.nmae'.*declared: env/]],
  ],
  [
    'unknown_step_reference',
    doc('  - id: a', '    type: noop', '    when: "steps.ghost.status == \'succeeded\'"'),
    [['unknown_step_reference', 'steps[0].when', 8, 12]],
  ],
  [
    'step_not_upstream',
    doc(
      '  - id: a',
      '    type: noop',
      '  - id: b',
      '    type: noop',
      '    when: "steps.a.status == \'succeeded\'"',
    ),
    [['step_not_upstream', 'steps[1].when', 10, 12, /add 'a' to depends_on/]],
  ],
  [
    'step_not_upstream (itself)',
    doc('  - id: a', '    type: log', '    message: "{{ steps.a.status }}"'),
    [['step_not_upstream', 'steps[0].message', 8, 18, /own results/]],
  ],
  [
    'shell_operator',
    doc('  - id: a', '    type: shell', '    command: "ls | grep {{ inputs.env }}"'),
    [['shell_operator', 'steps[0].command', 8, 18]],
  ],
  [
    'secret_not_literal (template)',
    doc(
      '  - id: a',
      '    type: shell',
      '    command: env',
      '    env: { T: { value: "x{{ inputs.env }}", secret: true } }',
    ),
    [['secret_not_literal', 'steps[0].env.T.value', 9, 26, /cannot hold \{\{ \}\}/]],
  ],
  [
    'secret_not_literal (alias)',
    doc(
      '  - id: a',
      '    type: http',
      '    url: http://x',
      '    headers: { A: &tok abc, B: { value: *tok, secret: true } }',
    ),
    [['secret_not_literal', 'steps[0].headers.B.value', 9, 41, /anchor or alias/]],
  ],
  [
    'profile_violation',
    doc('  - id: a', '    type: shell', '    command: ls'),
    [['profile_violation', 'steps[0].type', 7, 11, /needs the 'elevated' security profile/]],
    'standard',
  ],
];

describe.each(cases)('%s', (_name, text, expected, maxProfile) => {
  it('is reported with its path, line and column, and no definition', () => {
    const result = parseWorkflow(text, maxProfile ? { maxProfile } : {});
    expect(result.definition).toBeUndefined();
    expect(result.problems.map((p) => [p.code, p.path, p.line, p.column])).toEqual(
      expected.map((e) => e.slice(0, 4)),
    );
    result.problems.forEach((p, i) => {
      expect(p.severity).toBe('error');
      const message = expected[i][4];
      if (message) expect(p.message).toMatch(message);
    });
  });
});

describe('references and profiles that are fine', () => {
  it('a transitive upstream step may be read', () => {
    const text = doc(
      '  - id: a',
      '    type: transform',
      '    output: { v: 1 }',
      '  - id: b',
      '    type: noop',
      '    depends_on: [a]',
      '  - id: c',
      '    type: log',
      '    depends_on: [b]',
      '    message: "{{ steps.a.outputs.v }} {{ run.id }}"',
      "    when: \"steps.a.status == 'succeeded' && inputs.env == 'dev'\"",
    );
    expect(parseWorkflow(text).problems).toEqual([]);
  });

  it('the definition profile lowers the limit; plan_only allows every type', () => {
    const shell = doc('  - id: a', '    type: shell', '    command: ls');
    expect(parseWorkflow(shell, { maxProfile: 'elevated' }).problems).toEqual([]);
    expect(parseWorkflow(shell, { maxProfile: 'plan_only' }).problems).toEqual([]);
    expect(parseWorkflow(shell).problems).toEqual([]);
    const asksStandard = shell.replace('version: 1', 'version: 1\nsecurity_profile: standard');
    expect(parseWorkflow(asksStandard, { maxProfile: 'elevated' }).problems.map((p) => p.code)).toEqual([
      'profile_violation',
    ]);
    const asksPlanOnly = shell.replace('version: 1', 'version: 1\nsecurity_profile: plan_only');
    expect(parseWorkflow(asksPlanOnly, { maxProfile: 'elevated' }).problems).toEqual([]);
  });
});
