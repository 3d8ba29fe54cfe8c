import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPENAPI_FILE, renderOpenApiJson } from './openapi-file';

describe('OpenAPI document', () => {
  it('matches the committed docs/openapi.json (run apps/api/scripts/write-openapi.ts after changing routes)', async () => {
    const committed = readFileSync(join(__dirname, '..', '..', '..', OPENAPI_FILE), 'utf8');
    expect(JSON.parse(await renderOpenApiJson())).toEqual(JSON.parse(committed));
  });

  it('names the permission of every operation', async () => {
    const document = JSON.parse(await renderOpenApiJson()) as {
      paths: Record<string, Record<string, { 'x-warden-permission'?: string }>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => [`${method} ${path}`, op['x-warden-permission']]),
    );
    expect(operations.length).toBe(73);
    expect(operations.filter(([, permission]) => permission === undefined)).toEqual([]);
  });
});
