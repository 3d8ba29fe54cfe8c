/**
 * The tenant's plugin policy over HTTP and in real runs: platform admins set it (validated,
 * merged, audited), the worker narrows a plugin's hosts to the tenant's, and a tenant that
 * requires bubblewrap runs on a worker that has it and is refused (plugin_sandbox_unavailable)
 * on one that does not, while the same worker runs the tenant's plugins once the policy allows.
 */
import { randomUUID } from 'node:crypto';
import type { TenantPluginPolicy } from '@warden/persistence';
import { generatePublisherKeyPair, type PluginManifest } from '@warden/plugins';
import { createFetchBroker, SandboxManager } from '@warden/sandbox';
import { DataSource } from 'typeorm';
import { createPluginHost } from '../apps/worker/src/plugin-host';
import { startApiHarness, type ApiHarness, type TestTenant, type TestUser } from './api-harness';
import { publishSigned, runToEnd, type RunView } from './plugin-fixtures';

interface TenantBody {
  id: string;
  pluginPolicy: TenantPluginPolicy;
}
interface ErrorBody {
  error: { code: string; details?: { problems?: { path: string; message: string }[] } };
}

const HOST_A = 'a.example.com';
const HOST_B = 'b.example.com';

function aManifest(id: string): PluginManifest {
  return {
    id,
    name: 'Fetcher',
    version: '1.0.0',
    description: 'Greets, or fetches a URL when given one.',
    publisher: 'acme',
    inputSchema: {
      type: 'object',
      required: ['who'],
      additionalProperties: false,
      properties: { who: { type: 'string' }, url: { type: 'string' } },
    },
    outputSchema: { type: 'object', required: ['greeting'], properties: { greeting: { type: 'string' } } },
    capabilities: {
      hosts: [HOST_A, HOST_B],
      credentials: [{ name: 'api', hosts: [HOST_A, HOST_B], inject: { kind: 'bearer' } }],
      limits: { timeoutMs: 2000 },
    },
  };
}

const SOURCE = `export default {
  async run(input, ctx) {
    if (input.url) await ctx.fetch(input.url);
    return { greeting: 'Hello ' + input.who };
  },
};
`;

/** A tenant's Owner registers, signs and activates the plugin and a workflow pinning it. */
async function publishPlugin(
  api: ApiHarness,
  owner: TestUser,
  pluginId: string,
): Promise<{ workflowId: string; digest: string }> {
  const token = owner.token;
  const key = generatePublisherKeyPair();
  const trusted = await api.call('POST', '/v1/plugin-keys', {
    token,
    json: { name: 'ci', publicKeyPem: key.publicKeyPem },
  });
  expect(trusted.status).toBe(201);
  const digest = await publishSigned(api, aManifest(pluginId), SOURCE, key, token);
  const workflow = await api.call<{ id: string }>('POST', '/v1/workflows', {
    token,
    json: {
      source: [
        `name: fetch-${pluginId}`,
        'version: 1',
        'inputs:',
        '  url: { type: string, default: "" }',
        'steps:',
        '  - id: greet',
        '    type: plugin',
        `    plugin: "${pluginId}@^1.0"`,
        '    with: { who: "Ada", url: "{{ inputs.url }}" }',
        '',
      ].join('\n'),
    },
  });
  expect(workflow.status).toBe(201);
  return { workflowId: workflow.body.id, digest };
}

function run(
  api: ApiHarness,
  owner: TestUser,
  workflowId: string,
  inputs: Record<string, unknown> = {},
): Promise<RunView> {
  return runToEnd(api, workflowId, inputs, owner.token);
}

describe("the tenant's plugin policy", () => {
  let api: ApiHarness;
  let platformAdmin: TestUser;
  const pluginId = `acme.fetcher-${randomUUID().slice(0, 8)}`;
  let workflowId: string;
  let digest: string;

  const patchPolicy = (tenantId: string, pluginPolicy: unknown) =>
    api.call<TenantBody & ErrorBody>('PATCH', `/v1/tenants/${tenantId}`, {
      token: platformAdmin.token,
      json: { pluginPolicy },
    });

  beforeAll(async () => {
    api = await startApiHarness({ worker: true });
    platformAdmin = await api.createUser([], { platformAdmin: true });
    ({ workflowId, digest } = await publishPlugin(api, api.owner, pluginId));
  });
  afterAll(async () => {
    await api.close();
  });

  it('shows the default policy in the view, and a created tenant gets the fields it was given merged in', async () => {
    const read = await api.call<TenantBody>('GET', `/v1/tenants/${api.tenant.id}`, {
      token: platformAdmin.token,
    });
    expect(read.status).toBe(200);
    expect(read.body.pluginPolicy).toEqual({
      requireOsSandbox: false,
      allowedHosts: null,
      fetchesPerMinute: 600,
    });

    const created = await api.call<TenantBody>('POST', '/v1/tenants', {
      token: platformAdmin.token,
      json: {
        slug: `strict-${randomUUID().slice(0, 8)}`,
        name: 'Strict',
        isolation: 'pooled',
        pluginPolicy: { requireOsSandbox: true },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.pluginPolicy).toEqual({
      requireOsSandbox: true,
      allowedHosts: null,
      fetchesPerMinute: 600,
    });
  });

  it('refuses hosts that are not lowercase DNS names, and unknown fields, with their paths', async () => {
    const badHosts = await patchPolicy(api.tenant.id, {
      allowedHosts: [HOST_B, 'Upper.Example.com', '10.0.0.1', '*.example.com', 'b.example.com:70000'],
    });
    expect(badHosts.status).toBe(400);
    expect(badHosts.body.error.code).toBe('invalid_request');
    expect(badHosts.body.error.details?.problems?.map((p) => p.path)).toEqual([
      'pluginPolicy.allowedHosts[1]',
      'pluginPolicy.allowedHosts[2]',
      'pluginPolicy.allowedHosts[3]',
      'pluginPolicy.allowedHosts[4]',
    ]);

    const badShape = await patchPolicy(api.tenant.id, { requireOsSandbox: 'yes', network: false });
    expect(badShape.status).toBe(400);
    expect(badShape.body.error.details?.problems?.map((p) => p.path)).toEqual(
      expect.arrayContaining(['pluginPolicy.requireOsSandbox', 'pluginPolicy.network']),
    );
    expect((await patchPolicy(api.tenant.id, {})).status).toBe(400);

    const read = await api.call<TenantBody>('GET', `/v1/tenants/${api.tenant.id}`, {
      token: platformAdmin.token,
    });
    expect(read.body.pluginPolicy).toEqual({
      requireOsSandbox: false,
      allowedHosts: null,
      fetchesPerMinute: 600,
    });
  });

  it('merges a PATCH into the current policy, audited as tenant.update with the old and new policy', async () => {
    const required = await patchPolicy(api.tenant.id, { requireOsSandbox: true });
    expect(required.status).toBe(200);
    const narrowed = await patchPolicy(api.tenant.id, { allowedHosts: [HOST_B] });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.pluginPolicy).toEqual({
      requireOsSandbox: true,
      allowedHosts: [HOST_B],
      fetchesPerMinute: 600,
    });

    const trail = await api.call<{ items: { details: Record<string, unknown> }[] }>(
      'GET',
      '/v1/audit?action=tenant.update',
    );
    expect(trail.status).toBe(200);
    expect(trail.body.items.map((e) => e.details)).toEqual(
      expect.arrayContaining([
        {
          changes: {
            pluginPolicy: {
              from: { requireOsSandbox: true, allowedHosts: null, fetchesPerMinute: 600 },
              to: { requireOsSandbox: true, allowedHosts: [HOST_B], fetchesPerMinute: 600 },
            },
          },
        },
      ]),
    );
  });

  it("loads the plugin with the manifest's hosts intersected with the tenant's, slots included", async () => {
    // The worker's own plugin host, on the API's connection; loading starts no sandbox process.
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const sandbox = new SandboxManager({ broker: createFetchBroker(), logger: quiet });
    try {
      const host = createPluginHost({
        dataSource: api.app.get(DataSource),
        sandbox,
        platformKeys: [],
        cacheTtlMs: 0,
      });
      const loaded = await host.load(api.tenant.id, { id: pluginId, version: '1.0.0', digest });
      expect(loaded.allowedHosts).toEqual([HOST_B]);
      expect(loaded.credentialSlots).toEqual([{ name: 'api', hosts: [HOST_B], inject: { kind: 'bearer' } }]);
      expect(loaded.requireOsSandbox).toBe(true);
    } finally {
      sandbox.close();
    }
  });

  it('runs the plugin under bubblewrap for a tenant that requires it, and refuses a host the tenant took away', async () => {
    const ok = await run(api, api.owner, workflowId);
    expect(ok.status).toBe('succeeded');
    expect(ok.steps[0]?.outputs).toEqual({ greeting: 'Hello Ada' });

    // The manifest allows a.example.com; the tenant does not. Refused before any name lookup.
    const denied = await run(api, api.owner, workflowId, { url: `https://${HOST_A}/` });
    expect(denied.status).toBe('failed');
    expect(denied.steps[0]?.error).toMatchObject({
      code: 'plugin_capability_denied',
      message: expect.stringContaining(`host ${HOST_A} is not in the plugin's allowed hosts`),
    });
  });

  it("counts plugin fetches against the tenant's quota: at 0 per minute a fetch to an allowed host is refused", async () => {
    expect((await patchPolicy(api.tenant.id, { fetchesPerMinute: 0 })).status).toBe(200);
    try {
      const refused = await run(api, api.owner, workflowId, { url: `https://${HOST_B}/` });
      expect(refused.steps[0]?.error).toMatchObject({
        code: 'plugin_capability_denied',
        message: expect.stringContaining('quota of 0 plugin fetches per minute'),
      });
    } finally {
      expect((await patchPolicy(api.tenant.id, { fetchesPerMinute: 600 })).status).toBe(200);
    }
  });

  describe('on a worker where bubblewrap cannot start', () => {
    let strict: TestTenant;
    let strictOwner: TestUser;
    let strictWorkflowId: string;

    beforeAll(async () => {
      strict = await api.createTenant({
        pluginPolicy: { requireOsSandbox: true, allowedHosts: null, fetchesPerMinute: 600 },
      });
      strictOwner = await api.createUser(['owner'], { tenant: strict });
      ({ workflowId: strictWorkflowId } = await publishPlugin(api, strictOwner, pluginId));
      await api.startWorkerFor(strict, { bwrapPath: '/nonexistent/bwrap' });
    });

    it('fails the step with plugin_sandbox_unavailable rather than run it unconfined', async () => {
      const refused = await run(api, strictOwner, strictWorkflowId);
      expect(refused.status).toBe('failed');
      expect(refused.steps[0]?.error).toMatchObject({
        code: 'plugin_sandbox_unavailable',
        message: expect.stringMatching(/policy requires the OS sandbox/),
      });
    });

    it('runs it (unconfined) on the same worker once the policy no longer requires bubblewrap', async () => {
      expect((await patchPolicy(strict.id, { requireOsSandbox: false })).status).toBe(200);
      const relaxed = await run(api, strictOwner, strictWorkflowId);
      expect(relaxed.status).toBe('succeeded');
      expect(relaxed.steps[0]?.outputs).toEqual({ greeting: 'Hello Ada' });
    });
  });
});
