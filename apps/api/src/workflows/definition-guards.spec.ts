import type { WorkflowDefinition } from '@warden/definition';
import { MAX_NESTING_DEPTH } from '../http/input-limits';
import { sourceTextProblem, unstorableDefinitionProblem } from './definition-guards';

const flowLists = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const blockLists = (depth: number): string =>
  Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}-\n`).join('');

describe('sourceTextProblem', () => {
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

  it('measures 100,000 levels without recursing', () => {
    expect(sourceTextProblem(`steps: ${flowLists(100_000)}`)).toMatchObject({ line: 1, column: 8 + 63 });
  });

  it('refuses a raw NUL byte with its line and column', () => {
    expect(sourceTextProblem('name: x\nversion: 1\u0000\n')).toMatchObject({
      code: 'syntax_error',
      line: 2,
      column: 11,
    });
  });
});

describe('unstorableDefinitionProblem', () => {
  it('names the field whose parsed text PostgreSQL cannot store', () => {
    const definition: WorkflowDefinition = {
      name: 'x',
      version: '1',
      description: 'a\u0000b',
      inputs: {},
      steps: [],
    };
    expect(unstorableDefinitionProblem(definition)).toMatchObject({
      code: 'invalid_value',
      path: 'description',
    });
    expect(unstorableDefinitionProblem({ ...definition, description: 'fine 💥' })).toBeUndefined();
  });
});
