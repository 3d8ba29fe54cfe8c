import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseWorkflow } from './parse';

const example = (name: string): string =>
  readFileSync(join(__dirname, '..', '..', '..', 'examples', name), 'utf8');
const EXAMPLES = [
  'hello-world.yaml',
  'deploy-application.yaml',
  'diamond.yaml',
  'approval.yaml',
  'http-retry.yaml',
];

/** The two examples exactly as the issue shows them: users' existing files must keep working unchanged. */
const ISSUE_EXAMPLES: Record<string, string> = {
  'hello-world.yaml': `name: hello-world
version: 1.0
description: My first secure workflow
inputs:
  name: { type: string, default: "Developer" }
steps:
  - id: greet
    type: shell
    command: "echo 'Hello {{ inputs.name }}!'"
`,
  'deploy-application.yaml': `name: deploy-application
version: 1.0
description: Deploy application with security controls
inputs:
  environment:
    type: string
    required: true
    validation:
      pattern: "^(dev|staging|prod)$"
  version:
    type: string
    default: "latest"
steps:
  - id: validate-environment
    type: assert
    condition: "inputs.environment in ['dev', 'staging', 'prod']"
    message: "Invalid environment specified"
  - id: run-tests
    type: shell
    command: "npm test"
    timeout: 600
    retry:
      attempts: 2
      delay: 30
  - id: deploy
    type: shell
    depends_on: [validate-environment, run-tests]
    command: "kubectl apply -f k8s/{{ inputs.environment }}/"
    when: "steps.run-tests.exit_code == 0"
`,
};

describe('parseWorkflow on the examples', () => {
  it.each(Object.keys(ISSUE_EXAMPLES))('examples/%s is byte for byte the issue text', (file) => {
    expect(example(file)).toBe(ISSUE_EXAMPLES[file]);
  });

  it.each(EXAMPLES)('%s validates with zero problems, in YAML and in JSON', (file) => {
    const yaml = parseWorkflow(example(file), { filename: file, maxProfile: 'elevated' });
    expect(yaml.problems).toEqual([]);
    expect(yaml.definition).toBeDefined();
    const json = parseWorkflow(JSON.stringify(parseYaml(example(file)), null, 2), {
      filename: file.replace('.yaml', '.json'),
    });
    expect(json.problems).toEqual([]);
    // JSON has no "1.0" vs 1 distinction once parsed by JSON.parse; everything else is identical.
    expect({ ...json.definition, version: '1.0' }).toEqual(yaml.definition);
  });

  it('hello-world becomes the normalized model, version kept as written', () => {
    expect(parseWorkflow(example('hello-world.yaml')).definition).toEqual({
      name: 'hello-world',
      version: '1.0',
      description: 'My first secure workflow',
      inputs: { name: { type: 'string', default: 'Developer' } },
      steps: [{ id: 'greet', type: 'shell', command: "echo 'Hello {{ inputs.name }}!'" }],
    });
  });

  it('deploy-application keeps every field, in the order written', () => {
    const def = parseWorkflow(example('deploy-application.yaml')).definition;
    expect(def?.inputs.environment).toEqual({
      type: 'string',
      required: true,
      validation: { pattern: '^(dev|staging|prod)$' },
    });
    expect(def?.steps[1]).toEqual({
      id: 'run-tests',
      type: 'shell',
      command: 'npm test',
      timeout: 600,
      retry: { attempts: 2, delay: 30 },
    });
    expect(Object.keys(def?.steps[2] ?? {})).toEqual(['id', 'type', 'depends_on', 'command', 'when']);
  });

  it.each([
    ['version: 1.0', '1.0'],
    ['version: 2', '2'],
    ['version: 1.10', '1.10'],
    ['version: "1.0.3"', '1.0.3'],
  ])('%s -> %j', (line, version) => {
    const r = parseWorkflow(`name: v\n${line}\nsteps: [{ id: a, type: noop }]\n`);
    expect(r.definition?.version).toBe(version);
  });

  it('JSON source keeps 1.0 as written too, and positions point into the JSON', () => {
    const r = parseWorkflow(
      '{\n  "name": "j",\n  "version": 1.0,\n  "steps": [{"id": "a", "type": "noop", "when": "inputs.nope"}]\n}',
    );
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'unknown_input', path: 'steps[0].when', line: 4, column: 50 }),
    ]);
    const ok = parseWorkflow('{"name": "j", "version": 1.0, "steps": [{"id": "a", "type": "noop"}]}');
    expect(ok.definition?.version).toBe('1.0');
  });

  it('string maps take scalars as strings', () => {
    const r = parseWorkflow(
      'name: e\nversion: 1\nsteps:\n  - id: a\n    type: shell\n    command: env\n    env: { PORT: 8080, DEBUG: true }\n',
    );
    expect(r.definition?.steps[0]).toMatchObject({ env: { PORT: '8080', DEBUG: 'true' } });
  });

  it('YAML aliases are read, but an alias bomb is refused', () => {
    const ok = parseWorkflow(
      'name: a\nversion: 1\nsteps:\n  - &s { id: a, type: noop }\n  - { id: b, type: noop, depends_on: [a] }\n',
    );
    expect(ok.problems).toEqual([]);
    const rows = Array.from(
      { length: 8 },
      (_, i) => `l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(',')}]`,
    );
    const bomb = `x: &l0 "lol"\n${rows.join('\n')}\n`;
    const r = parseWorkflow(bomb);
    expect(r.definition).toBeUndefined();
    expect(r.problems[0]).toMatchObject({ code: 'syntax_error', message: expect.stringMatching(/alias/i) });
  });

  it('keys named like prototype members are plain unknown fields', () => {
    const r = parseWorkflow(
      'name: p\nversion: 1\n__proto__: { polluted: true }\nconstructor: x\nsteps: [{ id: a, type: noop }]\n',
    );
    expect(r.problems.map((p) => [p.code, p.path, p.line])).toEqual([
      ['unknown_field', '__proto__', 3],
      ['unknown_field', 'constructor', 4],
    ]);
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('reports every problem at once, sorted by line and column', () => {
    const r = parseWorkflow(
      [
        'name: many',
        'version: 1',
        'steps:',
        '  - id: b',
        '    type: nope',
        '  - id: a',
        '    type: noop',
        '    depends_on: [missing]',
        '    timeout: -1',
        '    when: "inputs.x"',
      ].join('\n'),
    );
    expect(r.definition).toBeUndefined();
    expect(r.problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ['unknown_step_type', 5, 11],
      ['unknown_dependency', 8, 18],
      ['invalid_value', 9, 14],
      ['unknown_input', 10, 12],
    ]);
  });
});
