import { resolveRunInputs } from './inputs';
import type { InputSpec, WorkflowDefinition } from './model';

const withInputs = (inputs: Record<string, InputSpec>): WorkflowDefinition => ({
  name: 'wf',
  version: '1',
  inputs,
  steps: [{ id: 'a', type: 'noop' }],
});

describe('resolveRunInputs', () => {
  it('applies defaults and keeps provided values', () => {
    const def = withInputs({ name: { type: 'string', default: 'Developer' }, env: { type: 'string' } });
    expect(resolveRunInputs(def, {})).toEqual({ values: { name: 'Developer' }, problems: [] });
    expect(resolveRunInputs(def, { name: 'Ada', env: 'dev' })).toEqual({
      values: { name: 'Ada', env: 'dev' },
      problems: [],
    });
  });

  it.each<[InputSpec['type'], unknown, unknown]>([
    ['number', '3', 3],
    ['number', '-2.5', -2.5],
    ['number', 4, 4],
    ['integer', '7', 7],
    ['integer', 7, 7],
    ['boolean', 'true', true],
    ['boolean', 'false', false],
    ['boolean', true, true],
    ['object', '{"a": 1}', { a: 1 }],
    ['array', '[1, "x"]', [1, 'x']],
    ['array', ['y'], ['y']],
    ['string', '3', '3'],
  ])('coerces %s from %j', (type, given, expected) => {
    const { values, problems } = resolveRunInputs(withInputs({ x: { type } }), { x: given });
    expect(problems).toEqual([]);
    expect(values.x).toEqual(expected);
  });

  it.each<[InputSpec['type'], unknown]>([
    ['number', 'three'],
    ['number', ''],
    ['integer', '2.5'],
    ['integer', 2.5],
    ['boolean', 'yes'],
    ['boolean', 1],
    ['object', '[1]'],
    ['object', 'not json'],
    ['array', '{"a": 1}'],
    ['string', 3],
    ['string', null],
  ])('refuses %s from %j with input_type', (type, given) => {
    const { values, problems } = resolveRunInputs(withInputs({ x: { type } }), { x: given });
    expect(values).toEqual({});
    expect(problems).toEqual([
      expect.objectContaining({ code: 'input_type', path: 'inputs.x', severity: 'error' }),
    ]);
  });

  it('reports missing required inputs and unknown ones, all at once', () => {
    const def = withInputs({ environment: { type: 'string', required: true }, optional: { type: 'string' } });
    const { problems } = resolveRunInputs(def, { enviroment: 'dev' });
    expect(problems).toEqual([
      {
        code: 'unknown_run_input',
        path: 'inputs.enviroment',
        message: "'enviroment' is not an input of 'wf'",
        severity: 'error',
      },
      {
        code: 'input_required',
        path: 'inputs.environment',
        message: "input 'environment' is required",
        severity: 'error',
      },
    ]);
  });

  it('a prototype name is just an unknown input', () => {
    const provided: Record<string, unknown> = JSON.parse('{"__proto__": {"x": 1}}');
    expect(resolveRunInputs(withInputs({}), provided).problems).toEqual([
      expect.objectContaining({ code: 'unknown_run_input' }),
    ]);
  });

  it.each<[InputSpec, unknown, RegExp | undefined]>([
    [{ type: 'string', validation: { pattern: '^(dev|staging|prod)$' } }, 'dev', undefined],
    [{ type: 'string', validation: { pattern: '^(dev|staging|prod)$' } }, 'qa', /does not match the pattern/],
    [{ type: 'string', validation: { enum: ['a', 'b'] } }, 'c', /must be one of "a", "b"/],
    [{ type: 'integer', validation: { enum: [1, 2] } }, '2', undefined],
    [{ type: 'number', validation: { minimum: 1, maximum: 5 } }, '0', /at least 1/],
    [{ type: 'number', validation: { minimum: 1, maximum: 5 } }, 6, /at most 5/],
    [{ type: 'number', validation: { minimum: 1, maximum: 5 } }, 5, undefined],
    [{ type: 'string', validation: { minLength: 2, maxLength: 3 } }, 'a', /at least 2 characters/],
    [{ type: 'string', validation: { minLength: 2, maxLength: 3 } }, 'abcd', /at most 3 characters/],
    [{ type: 'array', validation: { maxLength: 1 } }, [1, 2], /at most 1 items/],
  ])('validation %j with %j', (spec, given, message) => {
    const { problems } = resolveRunInputs(withInputs({ x: spec }), { x: given });
    if (!message) expect(problems).toEqual([]);
    else
      expect(problems).toEqual([
        expect.objectContaining({
          code: 'input_validation',
          path: 'inputs.x',
          message: expect.stringMatching(message),
        }),
      ]);
  });

  it('checks the deploy example environment the way the issue asks', () => {
    const def = withInputs({
      environment: { type: 'string', required: true, validation: { pattern: '^(dev|staging|prod)$' } },
    });
    expect(resolveRunInputs(def, { environment: 'prod; rm -rf /' }).problems[0]).toMatchObject({
      code: 'input_validation',
      path: 'inputs.environment',
    });
  });
});
