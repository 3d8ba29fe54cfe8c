/**
 * Hostile and malformed input against every route of docs/openapi.json, so a new route is swept
 * as soon as it is documented (the cases are tables in hostile-cases.ts). Every answer is a 4xx
 * in the one error shape, with a documented code and the path of the problem, or a 2xx where the
 * input is legitimately valid: never a 500, a stack trace or a dead process. The API runs in
 * this process, so the sweep can also prove that Object.prototype stayed clean.
 */
import { randomUUID } from 'node:crypto';
import { generatePublisherKeyPair } from '@warden/plugins';
import { isFinished, startApiHarness, waitForRun, type ApiHarness } from './api-harness';
import {
  aPluginManifest,
  definition,
  HEADER_CASES,
  HOSTILE_IDS,
  QUERY_CASES,
  RAW_HTTP_CASES,
  SHAPE_CASES,
  TRANSPORT_CASES,
  PLUGIN_SOURCE,
  YAML_CASES,
  type ExpectedProblem,
} from './hostile-cases';
import {
  expectClientError,
  methodsServing,
  ROUTES,
  send as sendUnsigned,
  sendRaw,
  type RawResponse,
  type Route,
} from './hostile-http';

const BODY_ROUTES = ROUTES.filter((r) => r.bodyTypes.length > 0);
const DEFINITION_ROUTES = BODY_ROUTES.filter((r) => r.bodyTypes.includes('application/yaml'));
const JSON_ROUTES = BODY_ROUTES.filter((r) => !r.bodyTypes.includes('application/yaml'));
const PATHS = [...new Set(ROUTES.map((r) => r.path))];
/** What a route answers for an id that names nothing; a new kind of id must be added here. */
const NOT_FOUND: Record<string, string> = {
  workflowId: 'workflow_not_found',
  runId: 'run_not_found',
  apiKeyId: 'api_key_not_found',
  tenantId: 'tenant_not_found',
  userId: 'user_not_found',
  grantId: 'grant_not_found',
  credentialId: 'credential_not_found',
};
/** Path parameters that are slugs, not UUIDs: a hostile one is simply a name nothing has. */
const SLUG_PARAMS: Record<string, string> = { key: 'role_not_found' };
/** Path parameters with a grammar (plugin ids, semver, key ids, ...): a malformed one is a 400 naming it. */
const PATTERN_PARAMS = new Set(['pluginId', 'version', 'keyId', 'keyVersion', 'jobId']);
// HEAD is left out: its answer has no body to check.
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];

/** Every route paired with every case, labelled for the test name. */
function cross<C extends { name: string }>(routes: Route[], cases: C[]): [string, string, Route, C][] {
  return routes.flatMap((r) => cases.map((c): [string, string, Route, C] => [r.label, c.name, r, c]));
}

/** Every (route, parameter) pair of one kind, paired with every case. */
function perParam<C extends { name: string }>(
  kind: 'pathParams' | 'queryParams' | 'headerParams',
  cases: C[],
): [string, string, string, Route, C][] {
  return ROUTES.flatMap((r) =>
    r[kind].flatMap((p) => cases.map((c): [string, string, string, Route, C] => [r.label, p, c.name, r, c])),
  );
}

describe('API: hostile and malformed input on every route', () => {
  let api: ApiHarness;
  /** An Owner who is also a platform admin: every route gets past authorization to its input handling. */
  let token: string;
  const send: typeof sendUnsigned = (baseUrl, method, path, opts = {}) =>
    sendUnsigned(baseUrl, method, path, {
      ...opts,
      headers: { authorization: `Bearer ${token}`, ...opts.headers },
    });
  let workflowId: string;
  const suffix = randomUUID().slice(0, 8);
  /** A registered plugin, its version and a trusted publisher key, for the registry's routes. */
  const plugin = { pluginId: `acme.hostile-${suffix}`, version: '1.0.0', keyId: '' };
  /** Well-formed values for the other pattern parameters, so a route gets past them to its body. */
  const wellFormed: Record<string, string> = { keyVersion: '1', jobId: `reencrypt-${randomUUID()}-v1` };
  const fixture = definition(`name: hostile-${suffix}`, 'version: 1', 'inputs:', '  data: { type: object }');
  const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();

  /**
   * The route's path with `segments` (as they go on the wire) for some parameters and real ids
   * for the others: the fixture workflow, the plugin's names, well-formed pattern values, and a
   * UUID that names nothing.
   */
  const pathOf = (template: string, segments: Record<string, string> = {}): string =>
    template.replace(
      /\{(\w+)\}/g,
      (_m, name: string) =>
        segments[name] ??
        (name === 'workflowId'
          ? workflowId
          : ((plugin as Record<string, string>)[name] ?? wellFormed[name] ?? randomUUID())),
    );

  const sendTo = (
    route: Route,
    headers: Record<string, string>,
    body: string | Buffer,
  ): Promise<RawResponse> => send(api.url, route.method, pathOf(route.path), { headers, body });

  /** Refused as a definition: 400 invalid_definition, or 200 `{valid: false}` from /validate. */
  function expectDefinitionRefused(route: Route, res: RawResponse, problem: ExpectedProblem): void {
    const validates = route.path.endsWith('/validate');
    if (validates) expect(res).toMatchObject({ status: 200, json: { valid: false } });
    const problems = validates
      ? (res.json as { problems: unknown[] }).problems
      : expectClientError(res, 400, 'invalid_definition').error.details?.problems;
    expect(problems).toContainEqual(expect.objectContaining(problem));
  }

  beforeAll(async () => {
    api = await startApiHarness();
    token = (await api.createUser(['owner'], { platformAdmin: true })).token;
    const created = await send(api.url, 'POST', '/v1/workflows', {
      headers: { 'content-type': 'application/yaml' },
      body: fixture,
    });
    expect(created.status).toBe(201);
    workflowId = (created.json as { id: string }).id;
    const registered = await send(api.url, 'POST', '/v1/plugins', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ manifest: aPluginManifest(plugin.pluginId), source: PLUGIN_SOURCE }),
    });
    expect(registered.status).toBe(201);
    const key = await send(api.url, 'POST', '/v1/plugin-keys', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'hostile', publicKeyPem: generatePublisherKeyPair().publicKeyPem }),
    });
    expect(key.status).toBe(201);
    plugin.keyId = (key.json as { keyId: string }).keyId;
  });
  afterAll(async () => {
    await api.close();
  });

  describe('bodies', () => {
    it.each(cross(BODY_ROUTES, TRANSPORT_CASES))('%s refuses %s', async (_r, _c, route, c) => {
      const body = expectClientError(await sendTo(route, c.headers, c.body), c.status, c.code);
      if (c.problem) expect(body.error.details?.problems).toContainEqual(expect.objectContaining(c.problem));
    });

    it.each(cross(JSON_ROUTES, SHAPE_CASES))('%s refuses %s, naming its path', async (_r, _c, route, c) => {
      const res = await sendTo(route, { 'content-type': 'application/json' }, c.body);
      const body = expectClientError(res, 400, 'invalid_request');
      expect(body.error.details?.problems).toContainEqual(expect.objectContaining({ path: c.path }));
    });

    it.each(cross(DEFINITION_ROUTES, SHAPE_CASES))(
      '%s refuses %s as a definition',
      async (_r, _c, route, c) => {
        const res = await sendTo(route, { 'content-type': 'application/json' }, c.body);
        expectDefinitionRefused(route, res, { code: c.definitionProblem, path: c.path });
      },
    );

    it.each(cross(DEFINITION_ROUTES, YAML_CASES))('%s refuses YAML with %s', async (_r, _c, route, c) => {
      expectDefinitionRefused(
        route,
        await sendTo(route, { 'content-type': 'application/yaml' }, c.text),
        c.problem,
      );
    });

    it.each(DEFINITION_ROUTES.map((r) => [r.label, r]))(
      '%s refuses a raw NUL byte at its line',
      async (_l, route) => {
        const res = await sendTo(
          route,
          { 'content-type': 'application/yaml' },
          'name: x\nversion: a\u0000b\n',
        );
        const body = expectClientError(res, 400, 'invalid_request');
        expect(body.error.details?.problems).toEqual([
          expect.objectContaining({ path: '', line: 2, column: 11 }),
        ]);
      },
    );

    it('keeps legitimate Unicode, right-to-left marks and emoji intact', async () => {
      const description = 'ﬂow 💥 \u202eRTL\u202c 漢字 Ω';
      const text = fixture.replace('version: 1', `version: 1\ndescription: "${description}"`);
      const written = await send(api.url, 'PUT', `/v1/workflows/${workflowId}`, {
        headers: { 'content-type': 'application/yaml; charset=utf-8' },
        body: text,
      });
      expect(written).toMatchObject({ status: 200, json: { created: true } });
      const stored = await send(api.url, 'GET', `/v1/workflows/${workflowId}`);
      expect(stored.json).toMatchObject({ description, current: { source: text } });
    });

    it.each([
      ['inputs.__proto__', '{"__proto__": {"polluted": "yes"}}'],
      ['inputs.constructor', '{"constructor": {"prototype": {"polluted": "yes"}}}'],
    ])('refuses run input %s as an unknown input', async (path, inputs) => {
      const res = await send(api.url, 'POST', `/v1/workflows/${workflowId}/runs`, {
        headers: { 'content-type': 'application/json' },
        body: `{"dryRun": true, "inputs": ${inputs}}`,
      });
      const body = expectClientError(res, 400, 'invalid_inputs');
      expect(body.error.details?.problems).toContainEqual(expect.objectContaining({ path }));
    });

    it('keeps __proto__ and constructor inside an object input as plain data', async () => {
      const data = '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}';
      const res = await send(api.url, 'POST', `/v1/workflows/${workflowId}/runs`, {
        headers: { 'content-type': 'application/json' },
        body: `{"dryRun": true, "inputs": {"data": ${data}}}`,
      });
      expect(res.status).toBe(200);
      const echoed = (res.json as { inputs: { data: object } }).inputs.data;
      expect(Object.keys(echoed)).toEqual(['__proto__', 'constructor']);
      expect(Object.getPrototypeOf(echoed)).toBe(Object.prototype);
    });
  });

  describe('ids, query parameters and headers', () => {
    it.each(
      perParam('pathParams', HOSTILE_IDS).filter(
        ([, param]) => !(param in SLUG_PARAMS) && !PATTERN_PARAMS.has(param),
      ),
    )('%s: %s as %s names nothing', async (_l, param, _c, route, c) => {
      // A well-formed body, so the id is the only thing wrong.
      const res = await send(
        api.url,
        route.method,
        pathOf(route.path, { [param]: encodeURIComponent(c.id) }),
        {
          headers: { 'content-type': 'application/json' },
          body: '{}',
        },
      );
      const body = expectClientError(res, 404, NOT_FOUND[param]!);
      expect(body.error.details?.problems).toEqual([{ path: param, message: 'must be a UUID' }]);
      expect(res.text).not.toContain(JSON.stringify(c.id).slice(1, -1).slice(0, 60));
    });

    it.each(
      perParam('pathParams', HOSTILE_IDS).filter(
        ([, param, , route]) => param in SLUG_PARAMS && route.method === 'DELETE',
      ),
    )('%s: %s as %s names nothing', async (_l, param, _c, route, c) => {
      const res = await send(
        api.url,
        route.method,
        pathOf(route.path, { [param]: encodeURIComponent(c.id) }),
      );
      expectClientError(res, 404, SLUG_PARAMS[param]!);
      expect(res.text).not.toContain(JSON.stringify(c.id).slice(1, -1).slice(0, 60));
    });

    it.each(perParam('pathParams', HOSTILE_IDS).filter(([, param]) => PATTERN_PARAMS.has(param)))(
      '%s: %s as %s is refused, naming the parameter',
      async (_l, param, _c, route, c) => {
        const res = await send(
          api.url,
          route.method,
          pathOf(route.path, { [param]: encodeURIComponent(c.id) }),
          { headers: { 'content-type': 'application/json' }, body: '{}' },
        );
        const body = expectClientError(res, 400, 'invalid_request');
        expect(body.error.details?.problems).toEqual([expect.objectContaining({ path: param })]);
        expect(res.text).not.toContain(JSON.stringify(c.id).slice(1, -1).slice(0, 60));
      },
    );

    it.each(perParam('pathParams', [{ name: 'broken percent-encoding' }]))(
      '%s: %s with %s',
      async (_l, p, _c, route) => {
        const res = await send(api.url, route.method, pathOf(route.path, { [p]: '%E0%A4%A' }));
        expectClientError(res, 400, 'invalid_request');
      },
    );

    it.each(perParam('queryParams', QUERY_CASES))('%s?%s refuses %s', async (_l, param, _c, route, c) => {
      const res = await send(api.url, 'GET', `${pathOf(route.path)}?${c.query(param)}`);
      const body = expectClientError(res, 400, 'invalid_request');
      expect(body.error.details?.problems).toContainEqual(expect.objectContaining({ path: c.path(param) }));
    });

    it.each([
      ['status=foo', 'status'],
      ['status=RUNNING', 'status'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=1e3', 'limit'],
      ['limit=-1', 'limit'],
      [`workflowId=${encodeURIComponent("1' OR '1'='1")}`, 'workflowId'],
    ])('GET /v1/runs?%s -> 400 naming %s', async (query, path) => {
      const body = expectClientError(await send(api.url, 'GET', `/v1/runs?${query}`), 400, 'invalid_request');
      expect(body.error.details?.problems).toContainEqual(expect.objectContaining({ path }));
    });

    it.each(["x' OR '1'='1", `hostile-${suffix}' --`, 'hostile-%', 'hostile-_%'])(
      'GET /v1/workflows?name=%s matches nothing (no SQL, no wildcards)',
      async (name) => {
        const res = await send(api.url, 'GET', `/v1/workflows?name=${encodeURIComponent(name)}`);
        expect(res).toMatchObject({ status: 200, json: { items: [] } });
      },
    );

    it.each(perParam('headerParams', HEADER_CASES))(
      '%s: %s header with %s',
      async (_l, header, _c, route, c) => {
        const res = await send(api.url, route.method, pathOf(route.path), {
          headers: { 'content-type': 'application/json', [header]: c.value },
          body: '{"dryRun": true}',
        });
        const body = expectClientError(res, 400, 'invalid_request');
        expect(body.error.details?.problems).toContainEqual(expect.objectContaining({ path: header }));
      },
    );
  });

  describe('methods and HTTP itself', () => {
    it.each(PATHS)('%s answers every other method with 405 and Allow', async (template) => {
      const path = pathOf(template);
      const served = methodsServing(path);
      for (const method of METHODS.filter((m) => !served.has(m))) {
        const res = await send(api.url, method, path);
        expectClientError(res, 405, 'method_not_allowed');
        expect(res.headers.allow).toBe([...served].sort().join(', '));
      }
    });

    it.each(RAW_HTTP_CASES.map((c) => [c.name, c]))('answers %s in the error shape', async (_n, c) => {
      const body = expectClientError(await sendRaw(api.url, c.bytes), c.status, c.code);
      if (c.reason) expect(body.error.details).toEqual({ reason: c.reason });
    });
  });

  it('is still healthy and ready afterwards, with Object.prototype untouched', async () => {
    expect((await send(api.url, 'GET', '/healthz')).status).toBe(200);
    expect((await send(api.url, 'GET', '/readyz')).status).toBe(200);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
    expect(Reflect.get({}, 'polluted')).toBeUndefined();
  });
});

describe('API: hostile step ids and step output on a real worker', () => {
  let api: ApiHarness;
  const send: typeof sendUnsigned = (baseUrl, method, path, opts = {}) =>
    sendUnsigned(baseUrl, method, path, {
      ...opts,
      headers: { authorization: `Bearer ${api.owner.token}`, ...opts.headers },
    });
  let gateRun: string;

  /** Registers a one-step definition and starts it; returns the run id. */
  async function startOneStep(step: string): Promise<string> {
    const text = definition(`name: one-step-${randomUUID().slice(0, 8)}`, 'version: 1').replace(
      'type: noop',
      step,
    );
    const created = await send(api.url, 'POST', '/v1/workflows', {
      headers: { 'content-type': 'application/yaml' },
      body: text,
    });
    const started = await send(api.url, 'POST', `/v1/workflows/${(created.json as { id: string }).id}/runs`, {
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    return (started.json as { runId: string }).runId;
  }

  beforeAll(async () => {
    api = await startApiHarness({ worker: true });
    gateRun = await startOneStep('type: approval\n    message: "go?"');
    await waitForRun(api, gateRun, (run) => run.steps[0]?.status === 'waiting');
  });
  afterAll(async () => {
    await send(api.url, 'POST', `/v1/runs/${gateRun}/cancel`);
    await api.close();
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])(
    'answers an approval of step %s with step_not_found, not a step inherited from Object.prototype',
    async (stepId) => {
      const res = await send(api.url, 'POST', `/v1/runs/${gateRun}/approvals`, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ stepId, decision: 'approve' }),
      });
      const body = expectClientError(res, 404, 'step_not_found');
      expect(body.error.details?.problems).toEqual([expect.objectContaining({ path: 'stepId' })]);
    },
  );

  it('keeps serving a run whose step printed a NUL byte', async () => {
    const runId = await startOneStep(`type: shell\n    command: "printf 'a\\\\0b'"`);
    expect((await waitForRun(api, runId, isFinished)).status).toBe('succeeded');
    // Served from PostgreSQL now: jsonb cannot hold U+0000, so the stored copy has U+FFFD.
    const stored = await send(api.url, 'GET', `/v1/runs/${runId}`);
    expect(stored).toMatchObject({ status: 200, json: { steps: [{ outputs: { stdout: 'a\uFFFDb' } }] } });
  });
});
