/**
 * The plugin registry over real HTTP: registration, signing and trust, the version lifecycle,
 * pinning by workflow versions, deletion rules, docs, tenant isolation and the audit trail.
 */
import { randomUUID } from 'node:crypto';
import {
  generatePublisherKeyPair,
  pluginDigest,
  signPluginDigest,
  type PluginManifest,
} from '@warden/plugins';
import { startApiHarness, type ApiHarness, type TestUser } from './api-harness';

interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: {
      problems?: { code?: string; path: string; message: string }[];
      workflows?: { workflowId: string }[];
    };
  };
}
interface Written {
  id: string;
  version: string;
  status: string;
  digest: string;
  signingKeyId: string | null;
}
interface KeyPair {
  publicKeyPem: string;
  privateKeyPem: string;
  keyId: string;
}

const SOURCE = `export default {
  async run(input, ctx) {
    ctx.log('info', 'sending ' + input.text);
    return { sent: input.text.length };
  },
};
`;

/** A valid manifest for `id`; tests change the field they are about. */
function aManifest(id: string, version: string, overrides: Partial<PluginManifest> = {}): PluginManifest {
  return {
    id,
    name: 'Notify',
    version,
    description: 'Sends a notification.',
    publisher: 'acme',
    inputSchema: {
      type: 'object',
      required: ['text'],
      additionalProperties: false,
      properties: { text: { type: 'string', description: 'What to send' } },
    },
    outputSchema: {
      type: 'object',
      properties: { sent: { type: 'integer', description: 'Characters sent' } },
    },
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { channel: { type: 'string', description: 'Where to send' } },
    },
    capabilities: {
      hosts: ['hooks.example.com'],
      credentials: [{ name: 'token', hosts: ['hooks.example.com'], inject: { kind: 'bearer' } }],
      limits: { timeoutMs: 2000 },
    },
    ...overrides,
  };
}

function signed(manifest: PluginManifest, source: string, key: KeyPair) {
  return {
    manifest,
    source,
    signature: {
      keyId: key.keyId,
      signature: signPluginDigest(pluginDigest(manifest, source), key.privateKeyPem),
    },
  };
}

function workflowUsing(name: string, ref: string, extra = ''): string {
  return [
    `name: ${name}`,
    'version: 1',
    'steps:',
    '  - id: notify',
    '    type: plugin',
    `    plugin: "${ref}"`,
    '    with: { text: hello }',
    '    config: { channel: general }',
    extra,
    '',
  ].join('\n');
}

describe('API: plugin registry', () => {
  let api: ApiHarness;
  const suffix = randomUUID().slice(0, 8);
  const pluginId = `acme.notify-${suffix}`;
  const publisher: KeyPair = generatePublisherKeyPair();
  const platform: KeyPair = generatePublisherKeyPair();
  const stranger: KeyPair = generatePublisherKeyPair();
  let other: TestUser;
  const started = new Date().toISOString();

  beforeAll(async () => {
    // The registry reads its configuration once, when the app is built.
    process.env.WARDEN_PLATFORM_PUBLISHER_KEYS = JSON.stringify([
      { name: 'platform', publicKeyPem: platform.publicKeyPem },
    ]);
    try {
      api = await startApiHarness();
    } finally {
      delete process.env.WARDEN_PLATFORM_PUBLISHER_KEYS;
    }
    other = await api.createUser(['owner'], { tenant: await api.createTenant() });
  });
  afterAll(async () => {
    await api.close();
  });

  const post = <T>(path: string, json: unknown, token?: string) =>
    api.call<T>('POST', path, { json, ...(token ? { token } : {}) });
  const put = <T>(path: string, json: unknown) => api.call<T>('PUT', path, { json });
  const setStatus = (version: string, status: string) =>
    post<ErrorBody & { status: string }>(`/v1/plugins/${pluginId}/versions/${version}/status`, { status });

  it('registers a DRAFT and serves it: list, detail, versions, code', async () => {
    const created = await post<Written>('/v1/plugins', {
      manifest: aManifest(pluginId, '1.0.0'),
      source: SOURCE,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: pluginId,
      version: '1.0.0',
      status: 'DRAFT',
      signingKeyId: null,
    });
    expect(created.body.digest).toBe(pluginDigest(aManifest(pluginId, '1.0.0'), SOURCE));

    const listed = await api.call<{ items: { id: string }[]; nextCursor: string | null }>(
      'GET',
      '/v1/plugins?limit=100',
    );
    expect(listed.body.items.map((p) => p.id)).toContain(pluginId);
    const detail = await api.call<{
      latest: { status: string };
      versionCount: number;
      manifest: PluginManifest;
    }>('GET', `/v1/plugins/${pluginId}`);
    expect(detail.body).toMatchObject({
      latest: { status: 'DRAFT' },
      versionCount: 1,
      manifest: { version: '1.0.0' },
    });
    const versions = await api.call<{ items: { version: string }[] }>(
      'GET',
      `/v1/plugins/${pluginId}/versions`,
    );
    expect(versions.body.items.map((v) => v.version)).toEqual(['1.0.0']);
    const code = await api.call<{ source: string; language: string }>(
      'GET',
      `/v1/plugins/${pluginId}/versions/1.0.0/code`,
    );
    expect(code.body).toMatchObject({ source: SOURCE, language: 'javascript' });

    const again = await post<ErrorBody>('/v1/plugins', {
      manifest: aManifest(pluginId, '2.0.0'),
      source: SOURCE,
    });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'plugin_exists' } } });
  });

  it('pages the list with a cursor', async () => {
    const second = `acme.paging-${suffix}`;
    expect((await post('/v1/plugins', { manifest: aManifest(second, '1.0.0'), source: SOURCE })).status).toBe(
      201,
    );
    const first = await api.call<{ items: { id: string }[]; nextCursor: string | null }>(
      'GET',
      '/v1/plugins?limit=1',
    );
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toBe(first.body.items[0]!.id);
    const next = await api.call<{ items: { id: string }[]; nextCursor: string | null }>(
      'GET',
      `/v1/plugins?limit=1&cursor=${first.body.nextCursor}`,
    );
    expect(next.body.items).toHaveLength(1);
    expect(next.body.items[0]!.id > first.body.items[0]!.id).toBe(true);
    const drafts = await api.call<{ items: { id: string }[] }>('GET', '/v1/plugins?status=ACTIVE');
    expect(drafts.body.items).toEqual([]);
    const bad = await api.call<ErrorBody>('GET', '/v1/plugins?cursor=NOT%20AN%20ID');
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
  });

  it('refuses an invalid submission with every problem and its path', async () => {
    const res = await post<ErrorBody>('/v1/plugins', {
      manifest: aManifest(`acme.bad-${suffix}`, 'one', {
        inputSchema: { type: 'object', properties: { a: { type: 'string', pattern: '^(a|a)*$' } } },
      }),
      source: 'const x = require("fs");',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('plugin_invalid');
    const problems = res.body.error.details?.problems ?? [];
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'schema_unsafe', path: 'manifest.inputSchema.properties.a.pattern' }),
        expect.objectContaining({ path: 'manifest.version' }),
        expect.objectContaining({ code: 'source_banned_construct' }),
      ]),
    );
    const missing = await api.call<ErrorBody>('GET', `/v1/plugins/acme.bad-${suffix}`);
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'plugin_not_found' } } });
  });

  it('refuses hostile manifest schemas at registration (abuse case 23)', async () => {
    // 10,000 levels cannot even be stringified by the test's own JSON.stringify: built as text.
    const deep = '{"type":"array","items":'.repeat(10_000) + '{"type":"string"}' + '}'.repeat(10_000);
    const hostile: [string, unknown][] = [
      ['redos', { type: 'object', properties: { a: { type: 'string', pattern: '^(a|a)*$' } } }],
      ['data', { type: 'object', properties: { a: { type: 'number', maximum: { $data: '1/b' } } } }],
      ['remote-ref', { $ref: 'https://evil.example.com/schema.json' }],
      ['deep', 'DEEP-SCHEMA'],
    ];
    for (const [name, inputSchema] of hostile) {
      const started = Date.now();
      const body = JSON.stringify({
        manifest: aManifest(`acme.hostile-${name}-${suffix}`, '1.0.0', { inputSchema: inputSchema as never }),
        source: SOURCE,
      }).replace('"DEEP-SCHEMA"', deep);
      const res = await api.call<ErrorBody>('POST', '/v1/plugins', {
        text: body,
        contentType: 'application/json',
      });
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
      expect(Date.now() - started).toBeLessThan(2000);
      if (name === 'deep') {
        // Refused by the API's nesting limit before the registry parses it, or by the registry.
        expect(['plugin_invalid', 'invalid_request', 'invalid_json', 'body_too_deep']).toContain(
          res.body.error.code,
        );
      } else {
        expect(res.body.error.code).toBe('plugin_invalid');
        expect(res.body.error.details?.problems).toEqual(
          expect.arrayContaining([expect.objectContaining({ code: 'schema_unsafe' })]),
        );
      }
    }
  });

  it('validates route parameters with their path', async () => {
    for (const [path, param] of [
      ['/v1/plugins/NotAnId', 'pluginId'],
      [`/v1/plugins/${pluginId}/versions/1.0/code`, 'version'],
      [`/v1/plugins/${pluginId}/versions/v1.0.0/code`, 'version'],
    ] as const) {
      const res = await api.call<ErrorBody>('GET', path);
      expect(res.status).toBe(400);
      expect(res.body.error.details?.problems).toEqual([expect.objectContaining({ path: param })]);
    }
    const key = await api.call<ErrorBody>('DELETE', '/v1/plugin-keys/nope');
    expect(key.body.error.details?.problems).toEqual([expect.objectContaining({ path: 'keyId' })]);
  });

  it('refuses to activate an unsigned version, or to deprecate a DRAFT', async () => {
    expect(await setStatus('1.0.0', 'ACTIVE')).toMatchObject({
      status: 409,
      body: { error: { code: 'plugin_unsigned' } },
    });
    expect(await setStatus('1.0.0', 'DEPRECATED')).toMatchObject({
      status: 409,
      body: { error: { code: 'status_transition_invalid' } },
    });
    expect(await setStatus('1.0.0', 'DRAFT')).toMatchObject({ status: 400 });
    expect(await setStatus('9.9.9', 'ACTIVE')).toMatchObject({
      status: 404,
      body: { error: { code: 'plugin_version_not_found' } },
    });
  });

  it('trusts a publisher key, takes a signed version and activates it', async () => {
    const key = await post<{ keyId: string; platform: boolean }>('/v1/plugin-keys', {
      name: 'acme release key',
      publicKeyPem: publisher.publicKeyPem,
    });
    expect(key).toMatchObject({ status: 201, body: { keyId: publisher.keyId, platform: false } });
    const dup = await post<ErrorBody>('/v1/plugin-keys', {
      name: 'again',
      publicKeyPem: publisher.publicKeyPem,
    });
    expect(dup).toMatchObject({ status: 409, body: { error: { code: 'publisher_key_exists' } } });
    const privateKey = await post<ErrorBody>('/v1/plugin-keys', {
      name: 'oops',
      publicKeyPem: publisher.privateKeyPem,
    });
    expect(privateKey).toMatchObject({ status: 400, body: { error: { code: 'publisher_key_invalid' } } });

    const v110 = await put<Written>(
      `/v1/plugins/${pluginId}`,
      signed(aManifest(pluginId, '1.1.0'), SOURCE, publisher),
    );
    expect(v110).toMatchObject({
      status: 201,
      body: { version: '1.1.0', status: 'DRAFT', signingKeyId: publisher.keyId },
    });
    expect(await setStatus('1.1.0', 'ACTIVE')).toMatchObject({ status: 200, body: { status: 'ACTIVE' } });
    // The same status again changes nothing.
    expect(await setStatus('1.1.0', 'ACTIVE')).toMatchObject({ status: 200, body: { status: 'ACTIVE' } });
  });

  it('refuses tampered or untrusted signatures, and stores nothing', async () => {
    const manifest = aManifest(pluginId, '1.2.0');
    const genuine = signed(manifest, SOURCE, publisher);
    const cases = [
      { ...genuine, source: SOURCE.replace('sending', 'sendinG') },
      {
        ...genuine,
        manifest: {
          ...manifest,
          capabilities: { ...manifest.capabilities, hosts: ['hooks.example.com', 'evil.example.com'] },
        },
      },
      { ...genuine, manifest: { ...manifest, description: 'Sends a notification!' } },
      signed(manifest, SOURCE, stranger),
    ];
    for (const body of cases) {
      const res = await put<ErrorBody>(`/v1/plugins/${pluginId}`, body);
      expect(res).toMatchObject({ status: 400, body: { error: { code: 'signature_invalid' } } });
    }
    const tamperedNew = await post<ErrorBody>('/v1/plugins', {
      ...signed(aManifest(`acme.tampered-${suffix}`, '1.0.0'), SOURCE, publisher),
      source: `${SOURCE}\n`,
    });
    expect(tamperedNew).toMatchObject({ status: 400, body: { error: { code: 'signature_invalid' } } });
    const versions = await api.call<{ items: unknown[] }>('GET', `/v1/plugins/${pluginId}/versions`);
    expect(versions.body.items).toHaveLength(2);
  });

  it('refuses versions that do not increase, and a manifest of another plugin', async () => {
    for (const version of ['1.0.5', '1.1.0', '1.1.0-rc.1']) {
      const res = await put<ErrorBody>(`/v1/plugins/${pluginId}`, {
        manifest: aManifest(pluginId, version),
        source: SOURCE,
      });
      expect({ version, status: res.status, code: res.body.error.code }).toEqual({
        version,
        status: 409,
        code: 'version_not_increasing',
      });
    }
    const mismatch = await put<ErrorBody>(`/v1/plugins/${pluginId}`, {
      manifest: aManifest(`acme.other-${suffix}`, '3.0.0'),
      source: SOURCE,
    });
    expect(mismatch).toMatchObject({ status: 400, body: { error: { code: 'plugin_id_mismatch' } } });
    const unknown = await put<ErrorBody>(`/v1/plugins/acme.nothing-${suffix}`, {
      manifest: aManifest(`acme.nothing-${suffix}`, '1.0.0'),
      source: SOURCE,
    });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'plugin_not_found' } } });
  });

  let workflowId: string;

  it('pins the highest matching ACTIVE version and never a DRAFT', async () => {
    // 1.2.0 is signed but stays a DRAFT: ^1.0 must still resolve to 1.1.0.
    const v120 = await put<Written>(
      `/v1/plugins/${pluginId}`,
      signed(aManifest(pluginId, '1.2.0'), SOURCE, publisher),
    );
    expect(v120.status).toBe(201);
    const created = await api.call<{ id: string; warnings: unknown[] }>('POST', '/v1/workflows', {
      text: workflowUsing(`uses-${suffix}`, `${pluginId}@^1.0`, '    credentials: { token: my-token }'),
    });
    expect(created.status).toBe(201);
    expect(created.body.warnings).toEqual([]);
    workflowId = created.body.id;
    const detail = await api.call<{ current: { plugins: unknown[] } }>('GET', `/v1/workflows/${workflowId}`);
    expect(detail.body.current.plugins).toEqual([
      {
        stepId: 'notify',
        plugin: pluginId,
        version: '1.1.0',
        digest: pluginDigest(aManifest(pluginId, '1.1.0'), SOURCE),
      },
    ]);
    const onlyDraft = await api.call<ErrorBody>('POST', '/v1/workflows', {
      text: workflowUsing(`draft-${suffix}`, `${pluginId}@~1.2.0`),
    });
    expect(onlyDraft.status).toBe(400);
    expect(onlyDraft.body.error.details?.problems).toEqual([
      expect.objectContaining({ code: 'plugin_version_not_found', path: 'steps[0].plugin' }),
    ]);
  });

  it('refuses plugin steps that resolve to nothing, or misuse config and credentials', async () => {
    const cases: [string, string, string, string][] = [
      [`acme.nothing-${suffix}@^1`, '', 'plugin_not_found', 'steps[0].plugin'],
      [`${pluginId}@^7`, '', 'plugin_version_not_found', 'steps[0].plugin'],
      [
        `${pluginId}@^1`,
        '    credentials: { nope: x }',
        'plugin_credential_unknown',
        'steps[0].credentials.nope',
      ],
    ];
    for (const [ref, extra, code, path] of cases) {
      const res = await api.call<ErrorBody>('POST', '/v1/workflows', {
        text: workflowUsing(`bad-${randomUUID().slice(0, 8)}`, ref, extra),
      });
      expect({ ref, status: res.status, code: res.body.error.code }).toEqual({
        ref,
        status: 400,
        code: 'invalid_definition',
      });
      expect(res.body.error.details?.problems).toEqual([expect.objectContaining({ code, path })]);
    }
    const badConfig = await api.call<ErrorBody>('POST', '/v1/workflows', {
      text: workflowUsing(`cfg-${suffix}`, `${pluginId}@^1`).replace(
        '{ channel: general }',
        '{ channel: 42 }',
      ),
    });
    expect(badConfig.body.error.details?.problems).toEqual([
      expect.objectContaining({ code: 'plugin_config_invalid', path: 'steps[0].config.channel' }),
    ]);
  });

  it('validates plugin steps without storing: the same problems as saving, by code and path', async () => {
    const validate = (text: string) =>
      api.call<{ valid: boolean; problems: { code: string; path: string; severity: string }[] }>(
        'POST',
        '/v1/workflows/validate',
        { text },
      );
    const name = `validate-${randomUUID().slice(0, 8)}`;
    const missing = await validate(workflowUsing(name, `acme.nothing-${suffix}@^1`));
    expect(missing.status).toBe(200);
    expect(missing.body).toEqual({
      valid: false,
      problems: [
        expect.objectContaining({ code: 'plugin_not_found', path: 'steps[0].plugin', severity: 'error' }),
      ],
    });
    const badConfig = await validate(
      workflowUsing(name, `${pluginId}@^1`).replace('{ channel: general }', '{ channel: 42 }'),
    );
    expect(badConfig.body.problems).toEqual([
      expect.objectContaining({ code: 'plugin_config_invalid', path: 'steps[0].config.channel' }),
    ]);
    const fine = await validate(workflowUsing(name, `${pluginId}@^1`));
    expect(fine.body).toEqual({ valid: true, problems: [] });
    // Nothing was stored.
    const listed = await api.call<{ items: unknown[] }>('GET', `/v1/workflows?name=${name}`);
    expect(listed.body.items).toEqual([]);
  });

  it('warns when a step pins a DEPRECATED version', async () => {
    expect(await setStatus('1.2.0', 'ACTIVE')).toMatchObject({ status: 200 });
    expect(await setStatus('1.2.0', 'DEPRECATED')).toMatchObject({
      status: 200,
      body: { status: 'DEPRECATED' },
    });
    const res = await api.call<{ warnings: { code: string; path: string }[] }>('POST', '/v1/workflows', {
      text: workflowUsing(`deprecated-${suffix}`, `${pluginId}@~1.2.0`),
    });
    expect(res.status).toBe(201);
    expect(res.body.warnings).toContainEqual(
      expect.objectContaining({ code: 'plugin_deprecated', path: 'steps[0].plugin' }),
    );
    // Put back: the delete test below needs only the first workflow pinning it.
    const moved = await api.call('PUT', `/v1/workflows/${(res.body as unknown as { id: string }).id}`, {
      text: `name: deprecated-${suffix}\nversion: 1\nsteps:\n  - id: n\n    type: noop\n`,
    });
    expect(moved.status).toBe(200);
  });

  it('refuses deleting a plugin a current workflow version pins; lists usage; deletes once moved off', async () => {
    const refused = await api.call<ErrorBody>('DELETE', `/v1/plugins/${pluginId}`);
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'plugin_in_use' } } });
    expect(refused.body.error.details?.workflows).toEqual([expect.objectContaining({ workflowId })]);

    const usage = await api.call<{ items: { workflowId: string; current: boolean; version: string }[] }>(
      'GET',
      `/v1/plugins/${pluginId}/usage`,
    );
    expect(usage.body.items).toContainEqual(
      expect.objectContaining({ workflowId, current: true, version: '1.1.0' }),
    );

    const moved = await api.call('PUT', `/v1/workflows/${workflowId}`, {
      text: `name: uses-${suffix}\nversion: 1\nsteps:\n  - id: n\n    type: noop\n`,
    });
    expect(moved.status).toBe(200);
    const after = await api.call<{ items: { workflowId: string; current: boolean }[] }>(
      'GET',
      `/v1/plugins/${pluginId}/usage`,
    );
    expect(after.body.items.filter((u) => u.current)).toEqual([]);
    expect(after.body.items).toContainEqual(expect.objectContaining({ workflowId, current: false }));
  });

  it('renders docs as Markdown, and as escaped HTML for Accept: text/html', async () => {
    const id = `acme.docs-${suffix}`;
    const created = await post('/v1/plugins', {
      manifest: aManifest(id, '1.0.0', { description: 'Notifies <script>alert(1)</script> people' }),
      source: SOURCE,
    });
    expect(created.status).toBe(201);
    const md = await api.call('GET', `/v1/plugins/${id}/docs`);
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(md.text).toContain('Notify');
    expect(md.text).toContain(id);
    const html = await api.call('GET', `/v1/plugins/${id}/docs`, { headers: { accept: 'text/html' } });
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.text).toContain('&lt;script&gt;');
    expect(html.text).not.toContain('<script>alert');
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('checks test input against the input schema before running anything', async () => {
    const res = await post<ErrorBody>(`/v1/plugins/${pluginId}/test`, { input: { text: 5 } });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'invalid_inputs' } } });
    expect(res.body.error.details?.problems).toEqual([expect.objectContaining({ path: 'input.text' })]);
    const cfg = await post<ErrorBody>(`/v1/plugins/${pluginId}/test`, {
      input: { text: 'x' },
      config: { channel: 1 },
    });
    expect(cfg.body.error.details?.problems).toEqual([expect.objectContaining({ path: 'config.channel' })]);
  });

  it('runs a DRAFT version in the sandbox from the test endpoint', async () => {
    const res = await post<{ ok: boolean; output: unknown; logs: { message: string }[] }>(
      `/v1/plugins/${pluginId}/test`,
      { input: { text: 'hello' }, version: '1.0.0' },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, output: { sent: 5 } });
    expect(res.body.logs).toContainEqual(expect.objectContaining({ message: 'sending hello' }));
  }, 30_000);

  it('keeps plugins inside their tenant', async () => {
    const token = other.token;
    for (const [method, path, json] of [
      ['GET', `/v1/plugins/${pluginId}`, undefined],
      ['GET', `/v1/plugins/${pluginId}/versions`, undefined],
      ['GET', `/v1/plugins/${pluginId}/versions/1.1.0/code`, undefined],
      ['GET', `/v1/plugins/${pluginId}/usage`, undefined],
      ['GET', `/v1/plugins/${pluginId}/docs`, undefined],
      ['PUT', `/v1/plugins/${pluginId}`, { manifest: aManifest(pluginId, '5.0.0'), source: SOURCE }],
      ['POST', `/v1/plugins/${pluginId}/versions/1.1.0/status`, { status: 'DEPRECATED' }],
      ['POST', `/v1/plugins/${pluginId}/test`, { input: { text: 'x' } }],
      ['DELETE', `/v1/plugins/${pluginId}`, undefined],
    ] as const) {
      const res = await api.call<ErrorBody>(method, path, { token, ...(json ? { json } : {}) });
      expect({ method, path, status: res.status, code: res.body.error?.code }).toEqual({
        method,
        path,
        status: 404,
        code: 'plugin_not_found',
      });
    }
    const listed = await api.call<{ items: { id: string }[] }>('GET', '/v1/plugins', { token });
    expect(listed.body.items.map((p) => p.id)).not.toContain(pluginId);
    const keys = await api.call<{ items: { keyId: string }[] }>('GET', '/v1/plugin-keys', { token });
    expect(keys.body.items.map((k) => k.keyId)).not.toContain(publisher.keyId);
    const revoke = await api.call<ErrorBody>('DELETE', `/v1/plugin-keys/${publisher.keyId}`, { token });
    expect(revoke).toMatchObject({ status: 404, body: { error: { code: 'publisher_key_not_found' } } });
    const pinning = await api.call<ErrorBody>('POST', '/v1/workflows', {
      token,
      text: workflowUsing(`foreign-${suffix}`, `${pluginId}@^1`),
    });
    expect(pinning.body.error.details?.problems).toEqual([
      expect.objectContaining({ code: 'plugin_not_found' }),
    ]);
    // The other tenant may register the same id: ids are per tenant.
    const same = await post<Written>(
      '/v1/plugins',
      { manifest: aManifest(pluginId, '1.0.0'), source: SOURCE },
      token,
    );
    expect(same.status).toBe(201);
  });

  it('trusts platform keys in every tenant, and stops activating with a revoked key', async () => {
    const keys = await api.call<{ items: { keyId: string; platform: boolean }[] }>('GET', '/v1/plugin-keys');
    expect(keys.body.items).toContainEqual(
      expect.objectContaining({ keyId: platform.keyId, platform: true }),
    );
    const id = `acme.platform-${suffix}`;
    const created = await post<Written>('/v1/plugins', signed(aManifest(id, '1.0.0'), SOURCE, platform));
    expect(created).toMatchObject({ status: 201, body: { signingKeyId: platform.keyId } });
    const active = await post(`/v1/plugins/${id}/versions/1.0.0/status`, { status: 'ACTIVE' });
    expect(active.status).toBe(200);

    const v130 = await put<Written>(
      `/v1/plugins/${pluginId}`,
      signed(aManifest(pluginId, '1.3.0'), SOURCE, publisher),
    );
    expect(v130.status).toBe(201);
    expect((await api.call('DELETE', `/v1/plugin-keys/${publisher.keyId}`)).status).toBe(204);
    expect((await api.call('DELETE', `/v1/plugin-keys/${publisher.keyId}`)).status).toBe(204);
    expect(await setStatus('1.3.0', 'ACTIVE')).toMatchObject({
      status: 409,
      body: { error: { code: 'plugin_unsigned' } },
    });
    const listed = await api.call<{ items: { keyId: string; revokedAt: string | null }[] }>(
      'GET',
      '/v1/plugin-keys',
    );
    expect(listed.body.items.find((k) => k.keyId === publisher.keyId)?.revokedAt).not.toBeNull();
  });

  it('deletes a plugin nothing current pins; its id is then free', async () => {
    expect((await api.call('DELETE', `/v1/plugins/${pluginId}`)).status).toBe(204);
    expect(await api.call('GET', `/v1/plugins/${pluginId}`)).toMatchObject({ status: 404 });
    expect(await api.call('DELETE', `/v1/plugins/${pluginId}`)).toMatchObject({ status: 404 });
    const again = await post<Written>('/v1/plugins', {
      manifest: aManifest(pluginId, '0.1.0'),
      source: SOURCE,
    });
    expect(again).toMatchObject({ status: 201, body: { version: '0.1.0' } });
  });

  it('records every change in the audit trail', async () => {
    const res = await api.call<{ items: { action: string; target: { id: string }; outcome: string }[] }>(
      'GET',
      `/v1/audit?from=${encodeURIComponent(started)}&limit=500`,
    );
    expect(res.status).toBe(200);
    const actions = new Set(res.body.items.map((e) => e.action));
    for (const action of [
      'plugin.create',
      'plugin.update',
      'plugin.status_change',
      'plugin.delete',
      'plugin.test',
      'plugin_key.create',
      'plugin_key.revoke',
    ]) {
      expect(actions).toContain(action);
    }
    const statusChanges = res.body.items.filter(
      (e) => e.action === 'plugin.status_change' && e.target.id === pluginId,
    );
    expect(statusChanges.length).toBe(3); // 1.1.0 ACTIVE, 1.2.0 ACTIVE, 1.2.0 DEPRECATED (no-ops and refusals: none)
  });
});
