/**
 * Plugin steps in real runs: a signed, ACTIVE plugin pinned by a workflow version runs in the
 * sandbox on the tenant's worker (real Temporal dev server, real PostgreSQL, real bubblewrap and
 * isolated-vm), its execution is audited, its failures get plugin_* step codes, and stored bytes
 * changed after signing are refused when the worker loads them.
 */
import { randomUUID } from 'node:crypto';
import { generatePublisherKeyPair, type PluginManifest } from '@warden/plugins';
import { Client } from 'pg';
import { startApiHarness, type ApiHarness } from './api-harness';
import { publishSigned, runToEnd, startRun, waitForRun, type RunView } from './plugin-fixtures';

function aManifest(id: string, version: string): PluginManifest {
  return {
    id,
    name: 'Greeter',
    version,
    description: 'Greets someone.',
    publisher: 'acme',
    inputSchema: {
      type: 'object',
      required: ['who'],
      additionalProperties: false,
      properties: { who: { type: 'string', description: 'Who to greet' }, spin: { type: 'boolean' } },
    },
    outputSchema: {
      type: 'object',
      required: ['greeting'],
      properties: { greeting: { type: 'string' }, length: { type: 'integer' } },
    },
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { punctuation: { type: 'string', description: 'Appended' } },
    },
    capabilities: { hosts: [], credentials: [], limits: { timeoutMs: 1000 } },
  };
}

/** Greets; with `spin: true` it never returns (the sandbox's timeout must end it). */
const SOURCE = `export default {
  run(input, ctx) {
    if (input.spin) for (;;) {}
    const greeting = 'Hello ' + input.who + (ctx.config.punctuation ?? '');
    ctx.log('info', 'greeting ' + input.who);
    return { greeting, length: greeting.length };
  },
};
`;

describe('plugin steps in real runs', () => {
  let api: ApiHarness;
  const pluginId = `acme.greeter-${randomUUID().slice(0, 8)}`;
  const key = generatePublisherKeyPair();
  let workflowId: string;
  let digest: string;

  const run = (inputs: Record<string, unknown>): Promise<RunView> => runToEnd(api, workflowId, inputs);

  const publish = (manifest: PluginManifest, source: string): Promise<string> =>
    publishSigned(api, manifest, source, key);

  const saveWorkflow = async (lines: string[]): Promise<string> => {
    const workflow = await api.call<{ id: string }>('POST', '/v1/workflows', {
      json: { source: lines.join('\n') },
    });
    expect(workflow.status).toBe(201);
    return workflow.body.id;
  };

  beforeAll(async () => {
    api = await startApiHarness({ worker: true });
    const trusted = await api.call('POST', '/v1/plugin-keys', {
      json: { name: 'ci', publicKeyPem: key.publicKeyPem },
    });
    expect(trusted.status).toBe(201);
    digest = await publish(aManifest(pluginId, '1.0.0'), SOURCE);
    workflowId = await saveWorkflow([
      `name: greet-${pluginId}`,
      'version: 1',
      'inputs:',
      '  who: { type: string }',
      '  spin: { type: boolean, default: false }',
      'steps:',
      '  - id: greet',
      '    type: plugin',
      `    plugin: "${pluginId}@^1.0"`,
      '    with: { who: "{{ inputs.who }}", spin: "{{ inputs.spin }}" }',
      '    config: { punctuation: "!" }',
      '  - id: shout',
      '    type: transform',
      '    depends_on: [greet]',
      '    output: { text: "{{ steps.greet.outputs.greeting }}", n: "{{ steps.greet.outputs.length }}" }',
      '',
    ]);
  });
  afterAll(async () => {
    await api.close();
  });

  it('runs the pinned plugin in the sandbox and hands its output to the next step', async () => {
    const view = await run({ who: 'Ada' });
    expect(view.status).toBe('succeeded');
    const [greet, shout] = view.steps;
    expect(greet).toMatchObject({
      id: 'greet',
      status: 'succeeded',
      outputs: { greeting: 'Hello Ada!', length: 10 },
    });
    expect(shout).toMatchObject({ outputs: { text: 'Hello Ada!', n: 10 } });
  });

  it('audits every execution: plugin, version, digest, signing key, input and output digests, usage', async () => {
    const events = await api.call<{
      items: { action: string; outcome: string; details: Record<string, unknown> }[];
    }>('GET', '/v1/audit?action=plugin.execute');
    expect(events.status).toBe(200);
    const ok = events.body.items.find((e) => e.outcome === 'success');
    expect(ok?.details).toMatchObject({
      digest,
      signingKeyId: key.keyId,
      outcome: 'ok',
      inputDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
      outputDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
      usage: { cpuMs: expect.any(Number), wallMs: expect.any(Number), heapBytes: expect.any(Number) },
    });
    expect(JSON.stringify(events.body)).not.toContain('Hello Ada');
  });

  it('fails a plugin that spins with plugin_timeout, once (not retried), and the worker goes on', async () => {
    const spun = await run({ who: 'Bob', spin: true });
    expect(spun.status).toBe('failed');
    expect(spun.steps[0]).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'plugin_timeout' } });
    const after = await run({ who: 'Cy' });
    expect(after.steps[0]).toMatchObject({ status: 'succeeded', outputs: { greeting: 'Hello Cy!' } });
  });

  it('refuses at load a source changed in the database after signing (plugin_unavailable)', async () => {
    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      // A superuser (an attacker with database access) rewrites the stored source.
      const changed = await db.query(
        `UPDATE plugin_blobs SET content = replace(content, 'Hello ', 'Pwned ')
          WHERE sha256 = (SELECT source_sha256 FROM plugin_versions WHERE digest = $1)`,
        [digest],
      );
      expect(changed.rowCount).toBe(1);
      const view = await run({ who: 'Dee' });
      expect(view.status).toBe('failed');
      expect(view.steps[0]?.error?.code).toBe('plugin_unavailable');
      expect(view.steps[0]?.error?.message).toMatch(/no longer match the pinned digest/);
    } finally {
      await db.query(
        `UPDATE plugin_blobs SET content = replace(content, 'Pwned ', 'Hello ')
          WHERE sha256 = (SELECT source_sha256 FROM plugin_versions WHERE digest = $1)`,
        [digest],
      );
      await db.end();
    }
    expect((await run({ who: 'Eve' })).steps[0]?.outputs).toMatchObject({ greeting: 'Hello Eve!' });
  });

  it('kills the sandbox job when the run is cancelled while the plugin waits', async () => {
    const waiterId = `acme.waiter-${randomUUID().slice(0, 8)}`;
    await publish(
      {
        ...aManifest(waiterId, '1.0.0'),
        capabilities: { hosts: [], credentials: [], limits: { timeoutMs: 30_000 } },
      },
      'export default { run() { return new Promise(() => {}); } };\n',
    );
    const waiting = await saveWorkflow([
      `name: wait-${waiterId}`,
      'version: 1',
      'steps:',
      '  - id: wait',
      '    type: plugin',
      `    plugin: "${waiterId}@^1"`,
      '    with: { who: nobody }',
      '',
    ]);
    const runId = await startRun(api, waiting);
    await waitForRun(api, runId, (view) => view.steps[0]?.status === 'running');
    const cancelledAt = Date.now();
    expect((await api.call('POST', `/v1/runs/${runId}/cancel`, { json: {} })).status).toBe(202);
    const view = await waitForRun(api, runId);
    expect(view.status).toBe('cancelled');
    // Well before the plugin's own 30 s deadline: the sandbox job was aborted, and audited so. The
    // cancellation reaches the run at the workflow task's next heartbeat, 80% of
    // WARDEN_WORKFLOW_TASK_TIMEOUT (about 3.2 s; with Temporal's default 10 s it took about 8 s).
    expect(Date.now() - cancelledAt).toBeLessThan(6_000);
    const events = await api.call<{ items: { outcome: string; details: Record<string, unknown> }[] }>(
      'GET',
      '/v1/audit?action=plugin.execute',
    );
    expect(
      events.body.items.some((e) => e.details.runId === runId && e.details.outcome === 'cancelled'),
    ).toBe(true);
  });
});
