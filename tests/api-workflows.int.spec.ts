import { randomUUID } from 'node:crypto';
import { workflowJsonSchema } from '@warden/definition';
import { exampleWithName, startApiHarness, type ApiHarness } from './api-harness';

interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: { problems?: { code?: string; path: string; line?: number; column?: number }[] };
  };
  requestId: string;
}
interface Written {
  id: string;
  name: string;
  version: number;
  created: boolean;
}

describe('API: workflows, schema, errors and health', () => {
  let api: ApiHarness;
  const suffix = randomUUID().slice(0, 8);

  beforeAll(async () => {
    api = await startApiHarness();
  });
  afterAll(async () => {
    await api.close();
  });

  it('registers YAML, lists it by name, and keeps versions immutable', async () => {
    const name = `hello-${suffix}`;
    const source = exampleWithName('hello-world.yaml', name);
    const created = await api.call<Written>('POST', '/v1/workflows', {
      text: source,
      contentType: 'application/yaml',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, version: 1, created: true });
    const id = created.body.id;

    const listed = await api.call<{ items: { id: string; currentVersion: number }[] }>(
      'GET',
      `/v1/workflows?name=${encodeURIComponent(name)}`,
    );
    expect(listed.body.items).toEqual([expect.objectContaining({ id, currentVersion: 1 })]);

    const detail = await api.call<{ current: { source: string; definition: { version: string } } }>(
      'GET',
      `/v1/workflows/${id}`,
    );
    expect(detail.body.current.source).toBe(source);
    expect(detail.body.current.definition.version).toBe('1.0');

    const unchanged = await api.call<Written>('PUT', `/v1/workflows/${id}`, {
      text: source,
      contentType: 'text/yaml',
    });
    expect(unchanged).toMatchObject({ status: 200, body: { version: 1, created: false } });

    const changed = source.replace('Developer', 'World');
    const second = await api.call<Written>('PUT', `/v1/workflows/${id}`, {
      text: changed,
      contentType: 'application/x-yaml',
    });
    expect(second).toMatchObject({ status: 200, body: { version: 2, created: true } });

    const versions = await api.call<{ items: { version: number; current: boolean }[] }>(
      'GET',
      `/v1/workflows/${id}/versions`,
    );
    expect(versions.body.items.map((v) => [v.version, v.current])).toEqual([
      [2, true],
      [1, false],
    ]);

    const renamed = await api.call<ErrorBody>('PUT', `/v1/workflows/${id}`, {
      text: changed.replace(name, 'other'),
    });
    expect(renamed.status).toBe(400);
    expect(renamed.body.error.code).toBe('workflow_name_mismatch');

    const duplicate = await api.call<ErrorBody>('POST', '/v1/workflows', { text: source });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toMatchObject({ code: 'workflow_exists', details: { workflowId: id } });
  });

  it('accepts JSON definitions and {source} envelopes', async () => {
    const definition = {
      name: `json-${suffix}`,
      version: '2.1',
      steps: [{ id: 'say', type: 'log', message: 'hi' }],
    };
    const plain = await api.call<Written>('POST', '/v1/workflows', { json: definition });
    expect(plain).toMatchObject({ status: 201, body: { name: `json-${suffix}`, version: 1 } });

    const envelope = await api.call<Written>('POST', '/v1/workflows', {
      json: { source: exampleWithName('hello-world.yaml', `envelope-${suffix}`) },
    });
    expect(envelope.status).toBe(201);
  });

  it('reports every problem of a definition with path, line and column', async () => {
    const source = [
      `name: broken-${suffix}`,
      'version: 1.0',
      'steps:',
      '  - id: first',
      '    type: shell',
      '    command: "echo hi"',
      '    depends_on: [missing]',
      '  - id: second',
      '    type: teleport',
    ].join('\n');
    const response = await api.call<ErrorBody>('POST', '/v1/workflows', { text: source });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_definition');
    const problems = response.body.error.details?.problems ?? [];
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'unknown_dependency', path: 'steps[0].depends_on[0]', line: 7 }),
        expect.objectContaining({ code: 'unknown_step_type', path: 'steps[1].type', line: 9 }),
      ]),
    );
    expect(
      (await api.call<{ items: unknown[] }>('GET', `/v1/workflows?name=broken-${suffix}`)).body.items,
    ).toEqual([]);
  });

  it('gives malformed YAML a 400 with the line of the mistake', async () => {
    const response = await api.call<ErrorBody>('POST', '/v1/workflows', {
      text: 'name: bad\nversion: 1.0\nsteps:\n  - id: a\n    type: [unclosed\n',
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_definition');
    expect(response.body.error.details?.problems?.[0]).toMatchObject({
      code: 'syntax_error',
      line: expect.any(Number),
    });
  });

  it('validates without storing', async () => {
    const valid = await api.call<{ valid: boolean; problems: unknown[] }>('POST', '/v1/workflows/validate', {
      text: exampleWithName('deploy-application.yaml', `validate-${suffix}`),
    });
    expect(valid).toMatchObject({ status: 200, body: { valid: true, problems: [] } });
    const invalid = await api.call<{ valid: boolean; problems: { code: string }[] }>(
      'POST',
      '/v1/workflows/validate',
      {
        json: { name: 'x', version: '1', steps: [{ id: 'a', type: 'shell' }] },
      },
    );
    expect(invalid.status).toBe(200);
    expect(invalid.body.valid).toBe(false);
    expect(invalid.body.problems.map((p) => p.code)).toContain('missing_field');
    expect(
      (await api.call<{ items: unknown[] }>('GET', `/v1/workflows?name=validate-${suffix}`)).body.items,
    ).toEqual([]);
  });

  it('publishes the language schema', async () => {
    const response = await api.call('GET', '/v1/schema/workflow');
    expect(response.status).toBe(200);
    expect(response.body).toEqual(JSON.parse(JSON.stringify(workflowJsonSchema)));
  });

  it.each([
    ['unknown workflow id', 404, 'workflow_not_found', 'GET', `/v1/workflows/${randomUUID()}`],
    ['non-uuid workflow id', 404, 'workflow_not_found', 'GET', '/v1/workflows/not-a-uuid'],
    [
      'versions of unknown workflow',
      404,
      'workflow_not_found',
      'GET',
      `/v1/workflows/${randomUUID()}/versions`,
    ],
    ['unknown run id', 404, 'run_not_found', 'GET', `/v1/runs/${randomUUID()}`],
    ['non-uuid run id', 404, 'run_not_found', 'POST', '/v1/runs/42/cancel'],
    ['unknown route', 404, 'route_not_found', 'GET', '/v1/nothing-here'],
    ['unknown query field', 400, 'invalid_request', 'GET', '/v1/workflows?nme=x'],
    ['bad status filter', 400, 'invalid_request', 'GET', '/v1/runs?status=done'],
  ])('%s -> %i %s', async (_what, status, code, method, path) => {
    const response = await api.call<ErrorBody>(method, path);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.requestId).toEqual(expect.any(String));
  });

  it('refuses malformed JSON, wrong types, odd media types and huge bodies with codes, never a stack', async () => {
    const cases = [
      await api.call<ErrorBody>('POST', '/v1/workflows', {
        text: '{"name": "x",\n  oops}',
        contentType: 'application/json',
      }),
      await api.call<ErrorBody>('POST', `/v1/workflows/${randomUUID()}/runs`, { json: { inputs: 'Ada' } }),
      await api.call<ErrorBody>('POST', `/v1/runs/${randomUUID()}/approvals`, {
        json: { stepId: 3, decision: 'maybe' },
      }),
      await api.call<ErrorBody>('POST', '/v1/workflows', { text: 'name: x', contentType: 'text/plain' }),
      await api.call<ErrorBody>('POST', '/v1/workflows', { text: `name: ${'x'.repeat(2 * 1024 * 1024)}` }),
    ];
    expect(cases.map((c) => [c.status, c.body.error.code])).toEqual([
      [400, 'malformed_json'],
      [400, 'invalid_request'],
      [400, 'invalid_request'],
      [415, 'unsupported_media_type'],
      [413, 'payload_too_large'],
    ]);
    expect(cases[0]!.body.error.details?.problems?.[0]).toMatchObject({ line: 2 });
    expect(cases[1]!.body.error.details?.problems).toEqual([{ path: 'inputs', message: 'must be object' }]);
    expect(cases[2]!.body.error.details?.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'stepId' }),
        expect.objectContaining({ path: 'decision' }),
      ]),
    );
    for (const c of cases) {
      expect(c.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
      expect(c.headers.get('x-request-id')).toBe(c.body.requestId);
    }
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const echoed = await api.call<ErrorBody>('GET', '/v1/nothing', {
      headers: { 'X-Request-Id': 'trace-42' },
    });
    expect(echoed.headers.get('x-request-id')).toBe('trace-42');
    expect(echoed.body.requestId).toBe('trace-42');
    const replaced = await api.call('GET', '/healthz', {
      headers: { 'X-Request-Id': 'bad id\twith spaces' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves health, readiness and the OpenAPI document', async () => {
    expect((await api.call('GET', '/healthz')).status).toBe(200);
    expect(await api.call('GET', '/readyz')).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: { database: { ok: true }, temporal: { ok: true } } },
    });
    const openapi = await api.call<{ paths: Record<string, unknown> }>('GET', '/docs/openapi.json');
    expect(Object.keys(openapi.body.paths)).toContain('/v1/workflows/{workflowId}/runs');
    const ui = await api.call('GET', '/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });
});

describe('API readiness when Temporal is unreachable', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    // Port 9 (discard) on loopback: nothing listens there.
    api = await startApiHarness({ env: { TEMPORAL_ADDRESS: '127.0.0.1:9' } });
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 503 naming Temporal, while /healthz stays 200', async () => {
    const ready = await api.call<ErrorBody & { error: { details: { failing: string[] } } }>('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.error.code).toBe('not_ready');
    expect(ready.body.error.details.failing).toEqual(['temporal']);
    expect((await api.call('GET', '/healthz')).status).toBe(200);
  });
});
