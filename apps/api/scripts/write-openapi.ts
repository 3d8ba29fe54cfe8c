// Regenerates docs/openapi.json from the controllers: `node -r @swc-node/register apps/api/scripts/write-openapi.ts`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPENAPI_FILE, renderOpenApiJson } from '../src/openapi-file';

async function main(): Promise<void> {
  const target = join(__dirname, '..', '..', '..', OPENAPI_FILE);
  writeFileSync(target, await renderOpenApiJson());
  process.stdout.write(`wrote ${target}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
