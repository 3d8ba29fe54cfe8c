/**
 * Writes docs/schema/workflow.schema.json from the code; a unit test fails when the committed
 * file drifts. Run: node -r @swc-node/register libs/definition/scripts/write-schema.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { workflowJsonSchema } from '../src/json-schema';

export const SCHEMA_FILE = join(__dirname, '..', '..', '..', 'docs', 'schema', 'workflow.schema.json');

export function schemaFileText(): string {
  return `${JSON.stringify(workflowJsonSchema, null, 2)}\n`;
}

if (require.main === module) {
  mkdirSync(dirname(SCHEMA_FILE), { recursive: true });
  writeFileSync(SCHEMA_FILE, schemaFileText());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
