/**
 * Secret values in definitions: `{ value, secret: true }` in shell `env` and http `headers`,
 * the problems of wrong shapes (code, path, position), and what plans show of them.
 */
import type { HttpStep, Problem, ShellStep } from './model';
import { parseWorkflow } from './parse';
import { planWorkflow } from './planner';
import { hideSecrets, isSealedSecret, isSecret, isSecretValue } from './secrets';

const shell = (...envLines: string[]): string =>
  [
    'name: t',
    'version: 1',
    'steps:',
    '  - id: a',
    '    type: shell',
    '    command: env',
    '    env:',
    ...envLines,
  ].join('\n');

const problemsOf = (text: string): [Problem['code'], string, number?, number?][] =>
  parseWorkflow(text).problems.map((p) => [p.code, p.path, p.line, p.column]);

describe('secret values', () => {
  it('reads { value, secret: true } in env and headers, in YAML and JSON', () => {
    const { definition, problems } = parseWorkflow(
      shell(
        '      TOKEN: { value: abc123, secret: true }',
        '      PORT: { value: 8080, secret: true }',
        '      PLAIN: x',
      ),
    );
    expect(problems).toEqual([]);
    expect((definition!.steps[0] as ShellStep).env).toEqual({
      TOKEN: { value: 'abc123', secret: true },
      PORT: { value: '8080', secret: true },
      PLAIN: 'x',
    });
    const json = JSON.stringify({
      name: 't',
      version: '1',
      steps: [
        {
          id: 'h',
          type: 'http',
          url: 'https://example.test',
          headers: { Authorization: { value: 'Bearer xyz', secret: true } },
        },
      ],
    });
    const http = parseWorkflow(json).definition!.steps[0] as HttpStep;
    expect(http.headers).toEqual({ Authorization: { value: 'Bearer xyz', secret: true } });
  });

  it('takes secret: false as a plain string, which may then be a template', () => {
    const { definition, problems } = parseWorkflow(
      shell('      A: { value: "{{ run.id }}", secret: false }'),
    );
    expect(problems).toEqual([]);
    expect((definition!.steps[0] as ShellStep).env).toEqual({ A: '{{ run.id }}' });
  });

  it('reports wrong shapes with their code, path and position', () => {
    expect(problemsOf(shell('      A: { value: x }'))).toEqual([
      ['missing_field', 'steps[0].env.A.secret', 8, 10],
    ]);
    expect(problemsOf(shell('      A: { secret: true }'))).toEqual([
      ['missing_field', 'steps[0].env.A.value', 8, 10],
    ]);
    expect(problemsOf(shell('      A: { value: x, secret: "yes" }'))).toEqual([
      ['wrong_type', 'steps[0].env.A.secret', 8, 30],
    ]);
    expect(problemsOf(shell('      A: { value: [1], secret: true }'))).toEqual([
      ['wrong_type', 'steps[0].env.A.value', 8, 19],
    ]);
    // The stored form is the API's to write: a client cannot hand in ciphertext.
    expect(problemsOf(shell('      A: { ciphertext: wdn1.x, secret: true }'))).toEqual([
      ['missing_field', 'steps[0].env.A.value', 8, 10],
      ['unknown_field', 'steps[0].env.A.ciphertext', 8, 12],
    ]);
    expect(problemsOf(shell('      A: [x]'))).toEqual([['wrong_type', 'steps[0].env.A', 8, 10]]);
  });

  it('allows secrets only where the field says so', () => {
    const text = [
      'name: t',
      'version: 1',
      'steps:',
      '  - id: p',
      '    type: plugin',
      '    plugin: acme.x@^1',
      '    credentials: { api: { value: x, secret: true } }',
    ].join('\n');
    expect(problemsOf(text)).toEqual([['wrong_type', 'steps[0].credentials.api', 7, 25]]);
  });

  it('refuses a template or a YAML alias as a secret value (secret_not_literal)', () => {
    expect(problemsOf(shell('      A: { value: "{{ inputs.x }}", secret: true }'))).toEqual([
      ['secret_not_literal', 'steps[0].env.A.value', 8, 20],
    ]);
    expect(problemsOf(shell('      A: &t plain', '      B: { value: *t, secret: true }'))).toEqual([
      ['secret_not_literal', 'steps[0].env.B.value', 9, 19],
    ]);
    expect(problemsOf(shell('      A: { value: &t abc, secret: true }'))).toEqual([
      ['secret_not_literal', 'steps[0].env.A.value', 8, 22],
    ]);
  });

  it('plans show that a secret exists, never its value or ciphertext', () => {
    const { definition } = parseWorkflow(shell('      A: { value: abc123, secret: true }', '      B: plain'));
    const plan = planWorkflow(definition!, {});
    expect(plan.steps[0]!.rendered).toMatchObject({ env: { A: { secret: true }, B: 'plain' } });
    expect(JSON.stringify(plan)).not.toContain('abc123');
    const sealed = {
      ...definition!,
      steps: [{ ...definition!.steps[0]!, env: { A: { secret: true, ciphertext: 'wdn1.AAAA' } } }],
    };
    expect(JSON.stringify(planWorkflow(sealed, {}))).not.toContain('wdn1.');
  });
});

describe('secret predicates', () => {
  it('tells the three forms apart', () => {
    expect(isSecretValue({ secret: true, value: 'x' })).toBe(true);
    expect(isSealedSecret({ secret: true, ciphertext: 'wdn1.x' })).toBe(true);
    expect(isSecret({ secret: true })).toBe(true);
    expect(isSecret({ secret: 'true' })).toBe(false);
    expect(isSecret('x')).toBe(false);
  });

  it('hideSecrets replaces only secret entries and keeps __proto__ keys as data', () => {
    const map = JSON.parse('{"__proto__": "p", "a": {"secret": true, "value": "v"}}') as Record<
      string,
      unknown
    >;
    const hidden = hideSecrets(map);
    expect(Object.keys(hidden)).toEqual(['__proto__', 'a']);
    expect(hidden.a).toEqual({ secret: true });
    expect(Object.getPrototypeOf(hidden)).toBe(Object.prototype);
    const plain = { a: 'x' };
    expect(hideSecrets(plain)).toBe(plain);
  });
});
