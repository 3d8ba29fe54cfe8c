import { parseWorkflow } from '../parse';

const step = (...lines: string[]): string =>
  [
    'name: t',
    'version: 1',
    'steps:',
    '  - id: call',
    '    type: http',
    '    url: https://a.example',
    ...lines,
  ].join('\n');

describe('an http step naming a credential', () => {
  it('keeps the name in the definition', () => {
    const { definition, problems } = parseWorkflow(step('    credential: deploy-bot.v2'));
    expect(problems).toEqual([]);
    expect(definition?.steps[0]).toMatchObject({ credential: 'deploy-bot.v2' });
  });

  it.each([['"{{ inputs.name }}"'], ['Deploy'], ['1bot'], ['""'], [`a${'b'.repeat(64)}`]])(
    'refuses %s: a plain vault name, never a template',
    (value) => {
      const { definition, problems } = parseWorkflow(step(`    credential: ${value}`));
      expect(definition).toBeUndefined();
      expect(problems).toEqual([
        expect.objectContaining({ code: 'invalid_value', path: 'steps[0].credential', line: 7, column: 17 }),
      ]);
    },
  );

  it('refuses a non-string', () => {
    expect(parseWorkflow(step('    credential: [a]')).problems).toEqual([
      expect.objectContaining({ code: 'wrong_type', path: 'steps[0].credential' }),
    ]);
  });

  it('warns when the step also writes a header the credential sets', () => {
    const { definition, problems } = parseWorkflow(
      step('    credential: bot', '    headers: { authorization: "Bearer x", X-Other: y }'),
    );
    expect(definition).toBeDefined();
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'credential_header_conflict',
        path: 'steps[0].headers.authorization',
        severity: 'warning',
        line: 8,
      }),
    ]);
    expect(parseWorkflow(step('    headers: { Authorization: "Bearer x" }')).problems).toEqual([]);
  });
});
