import { buildWorkflowJsonSchema } from './json-schema';
import { parseWorkflow } from './parse';
import { planWorkflow } from './planner';
import { stepRequiredProfile } from './profiles';
import { getStepType, registerStepType, type StepTypeDescriptor, stepTypes } from './step-types';

const plugin: StepTypeDescriptor = {
  type: 'acme-plugin',
  execution: 'activity',
  requiredProfile: 'standard',
  describe: 'A fake plugin step used to prove the registry is open.',
  fields: {
    target: { kind: 'string', required: true },
    retries: {
      kind: 'number',
      check: (v) => (typeof v === 'number' && v <= 5 ? undefined : 'retries must be at most 5'),
    },
    mode: { kind: 'string', enum: ['fast', 'safe'], default: 'safe', content: 'plain' },
    options: { kind: 'object' },
    query: { kind: 'string', content: 'expression' },
  },
};

describe('the step-type registry', () => {
  it('has the built-in types registered at load, with their execution kinds', () => {
    expect(stepTypes().map((t) => [t.type, t.execution])).toEqual([
      ['shell', 'activity'],
      ['http', 'activity'],
      ['transform', 'workflow'],
      ['assert', 'workflow'],
      ['delay', 'timer'],
      ['approval', 'signal'],
      ['log', 'workflow'],
      ['plugin', 'activity'],
      ['noop', 'workflow'],
    ]);
  });

  it('validates, plans and describes a plugin type registered later, with no validator change', () => {
    const text = (fields: string[]): string =>
      [
        'name: p',
        'version: 1',
        'inputs:',
        '  t: { type: string, default: db }',
        'steps:',
        '  - id: x',
        '    type: acme-plugin',
        ...fields,
      ].join('\n');
    const good = text([
      '    target: "{{ inputs.t }}"',
      '    retries: 2',
      '    options: { a: "{{ inputs.t }}" }',
      '    query: "inputs.t == \'db\'"',
    ]);
    expect(parseWorkflow(good).problems.map((p) => p.code)).toEqual(['unknown_step_type']);

    registerStepType(plugin);
    registerStepType(plugin); // the same descriptor again is harmless
    expect(getStepType('acme-plugin')).toBe(plugin);
    expect(stepRequiredProfile('acme-plugin')).toBe('standard');

    const { definition, problems } = parseWorkflow(good);
    expect(problems).toEqual([]);
    expect(planWorkflow(definition!, {}).steps[0].rendered).toEqual({
      target: 'db',
      retries: 2,
      mode: 'safe',
      options: { a: 'db' },
      query: "inputs.t == 'db'",
    });

    const bad = text([
      '    retries: 9',
      '    mode: slow',
      '    options: [1]',
      '    query: "inputs.nope"',
      '    extra: 1',
    ]);
    expect(parseWorkflow(bad).problems.map((p) => [p.code, p.path, p.line])).toEqual([
      ['missing_field', 'steps[0].target', 6],
      ['invalid_value', 'steps[0].retries', 8],
      ['invalid_value', 'steps[0].mode', 9],
      ['wrong_type', 'steps[0].options', 10],
      ['unknown_input', 'steps[0].query', 11],
      ['unknown_field', 'steps[0].extra', 12],
    ]);

    const schema = JSON.stringify(buildWorkflowJsonSchema());
    expect(schema).toContain('"step_acme-plugin"');
  });

  it('refuses conflicting or malformed registrations', () => {
    expect(() => registerStepType({ ...plugin, type: 'shell' })).toThrow(/already registered/);
    expect(() => registerStepType({ ...plugin, type: 'Bad Name' })).toThrow(/must match/);
    expect(() =>
      registerStepType({ ...plugin, type: 'p2', fields: { timeout: { kind: 'number' } } }),
    ).toThrow(/common field 'timeout'/);
    expect(() =>
      registerStepType({ ...plugin, type: 'p3', fields: { __proto__x: { kind: 'any' } } }),
    ).toThrow(/field name/);
  });
});
