import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse as parseYaml } from 'yaml';
import { schemaFileText, SCHEMA_FILE } from '../scripts/write-schema';
import { workflowJsonSchema } from './json-schema';

const ROOT = join(__dirname, '..', '..', '..');
const EXAMPLES = [
  'hello-world.yaml',
  'deploy-application.yaml',
  'diamond.yaml',
  'approval.yaml',
  'http-retry.yaml',
];

describe('the published JSON Schema', () => {
  it('matches docs/schema/workflow.schema.json (run libs/definition/scripts/write-schema.ts after a change)', () => {
    expect(SCHEMA_FILE).toBe(join(ROOT, 'docs', 'schema', 'workflow.schema.json'));
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(schemaFileText());
  });

  const validate = new Ajv2020({
    strict: true,
    allowUnionTypes: true,
    allErrors: true,
    validateFormats: false,
  }).compile(workflowJsonSchema);

  it.each(EXAMPLES)('accepts %s', (file) => {
    const doc: unknown = parseYaml(readFileSync(join(ROOT, 'examples', file), 'utf8'));
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['an unknown top-level field', { name: 'x', version: 1, steps: [{ id: 'a', type: 'noop' }], nmae: 1 }],
    ['an unknown step type', { name: 'x', version: 1, steps: [{ id: 'a', type: 'teleport' }] }],
    [
      'a field of another step type',
      { name: 'x', version: 1, steps: [{ id: 'a', type: 'noop', command: 'ls' }] },
    ],
    ['a shell step without command', { name: 'x', version: 1, steps: [{ id: 'a', type: 'shell' }] }],
    ['a bad step id', { name: 'x', version: 1, steps: [{ id: '1a', type: 'noop' }] }],
    [
      'retry without attempts',
      { name: 'x', version: 1, steps: [{ id: 'a', type: 'noop', retry: { delay: 1 } }] },
    ],
    [
      'an input without type',
      { name: 'x', version: 1, inputs: { a: {} }, steps: [{ id: 'a', type: 'noop' }] },
    ],
  ])('rejects %s', (_name, doc) => {
    expect(validate(doc)).toBe(false);
  });
});
