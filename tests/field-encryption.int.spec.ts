/**
 * Issue 5, section 4: secret definition fields are stored encrypted. Through the real API and a
 * real worker: an http step's secret header reaches a local server and a shell step's secret
 * env reaches its process, while the stored row (raw SQL), the API's answers, the run's outputs
 * and Temporal's raw history never hold either value. A writeOnly plugin config property is
 * sealed the same way, and a ciphertext copied into another version does not open.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { temporal } from '@temporalio/proto';
import { temporalWorkflowIdFor } from '@warden/engine';
import { generatePublisherKeyPair, type PluginManifest } from '@warden/plugins';
import { Client } from 'pg';
import { isFinished, startApiHarness, waitForRun, type ApiHarness, type RunBody } from './api-harness';
import { publishSigned } from './plugin-fixtures';

// Real servers and processes: Jest's 5 s default is too short.
jest.setTimeout(120_000);

const suffix = randomUUID().slice(0, 8);
const HEADER_SECRET = `hdr-s3cr3t-${suffix}`;
const ENV_SECRET = `env-s3cr3t-${suffix}`;
const CONFIG_SECRET = `cfg-s3cr3t-${suffix}`;
const SECRETS = [HEADER_SECRET, ENV_SECRET, CONFIG_SECRET];

interface Problem {
  code?: string;
  path: string;
}
interface ErrorBody {
  error: { code: string; details?: { problems?: Problem[] } };
}
interface Detail {
  currentVersion: number;
  current: { source: string; definition: { steps: Record<string, unknown>[] } };
}

const httpAndShell = (name: string, url: string, envSecret = ENV_SECRET): string =>
  [
    `name: ${name}`,
    'version: 1',
    'steps:',
    '  - id: call',
    '    type: http',
    '    method: POST',
    `    url: "${url}"`,
    '    headers:',
    `      X-Api-Key: { value: "${HEADER_SECRET}", secret: true }`,
    '      X-Plain: visible',
    '  - id: echo',
    '    type: shell',
    '    shell: bash',
    '    command: \'echo "token=$TOKEN"; test "$TOKEN" = "$EXPECTED"\'',
    '    env:',
    '      TOKEN:',
    `        value: ${envSecret}`,
    '        secret: true',
    `      EXPECTED: { value: "${envSecret}", secret: true }`,
    '',
  ].join('\n');

function historyText(history: temporal.api.history.v1.IHistory): string {
  const plain = temporal.api.history.v1.History.toObject(
    temporal.api.history.v1.History.fromObject(history),
    {
      longs: String,
      enums: String,
    },
  );
  return JSON.stringify(plain, (_key, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value,
  );
}

async function sql<T extends Record<string, unknown>>(text: string, params: unknown[]): Promise<T[]> {
  // The owner's connection: what an operator (or an attacker with the database) reads.
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    return (await db.query<T>(text, params)).rows;
  } finally {
    await db.end();
  }
}

const expectNoSecret = (text: string): void => {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
};

let api: ApiHarness;
let server: Server;
let url: string;
const received: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  // Records what it was sent and echoes the secret header back, as a careless server might.
  server = createServer((req, res) => {
    received.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json', 'x-echo': String(req.headers['x-api-key']) });
    res.end(JSON.stringify({ youSent: req.headers['x-api-key'] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  api = await startApiHarness({ worker: true });
});

afterAll(async () => {
  await api?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

async function register(source: string): Promise<string> {
  const created = await api.call<{ id: string }>('POST', '/v1/workflows', { text: source });
  expect(created.status).toBe(201);
  return created.body.id;
}

async function runToEnd(workflowId: string): Promise<RunBody> {
  const started = await api.call<{ runId: string }>('POST', `/v1/workflows/${workflowId}/runs`, {
    json: { inputs: {} },
  });
  expect(started.status).toBe(202);
  return waitForRun(api, started.body.runId, isFinished, 60_000);
}

describe('secret env values and headers', () => {
  let workflowId: string;
  let run: RunBody;

  beforeAll(async () => {
    workflowId = await register(httpAndShell(`fe-${suffix}`, url));
    run = await runToEnd(workflowId);
  });

  it('delivers the real values to the server and the process', () => {
    expect(run.status).toBe('succeeded');
    const last = received.at(-1)!;
    expect(last['x-api-key']).toBe(HEADER_SECRET);
    expect(last['x-plain']).toBe('visible');
    // `test "$TOKEN" = "$EXPECTED"` passed: both secrets arrived in the environment.
    expect(run.steps.find((s) => s.id === 'echo')!.status).toBe('succeeded');
  });

  it('masks what the steps report', () => {
    const call = run.steps.find((s) => s.id === 'call')!;
    expect(call.outputs.body).toEqual({ youSent: '***' });
    expect((call.outputs.headers as Record<string, string>)['x-echo']).toBe('***');
    expect(run.steps.find((s) => s.id === 'echo')!.outputs.stdout).toBe('token=***\n');
    expectNoSecret(JSON.stringify(run));
  });

  it('stores ciphertext and a masked source, keeping every line in place', async () => {
    const [row] = await sql<{ source: string; definition: string }>(
      'SELECT source, definition::text AS definition FROM workflow_versions WHERE workflow_id = $1',
      [workflowId],
    );
    expectNoSecret(row!.source + row!.definition);
    expect(row!.definition.match(/"ciphertext": "wdn1\./g)).toHaveLength(3);
    expect(row!.source).toContain('X-Api-Key: { value: "<secret>", secret: true }');
    expect(row!.source.split('\n')).toHaveLength(httpAndShell(`fe-${suffix}`, url).split('\n').length);
  });

  it('shows only that a secret exists through the API', async () => {
    const got = await api.call<Detail>('GET', `/v1/workflows/${workflowId}`);
    expect(got.status).toBe(200);
    expectNoSecret(got.text);
    expect(got.text).not.toContain('wdn1.');
    expect(got.body.current.definition.steps[1]!.env).toEqual({
      TOKEN: { secret: true },
      EXPECTED: { secret: true },
    });
  });

  it('keeps the secrets out of the raw Temporal history', async () => {
    const history = await api.temporal.workflow.getHandle(temporalWorkflowIdFor(run.runId)).fetchHistory();
    expectNoSecret(historyText(history));
  });

  it('treats the same file, or the source a GET returned, as no change; a new value as a new version', async () => {
    const same = await api.call<{ created: boolean; version: number }>('PUT', `/v1/workflows/${workflowId}`, {
      text: httpAndShell(`fe-${suffix}`, url),
    });
    expect(same.body).toMatchObject({ created: false, version: 1 });
    const got = await api.call<Detail>('GET', `/v1/workflows/${workflowId}`);
    const roundTrip = await api.call<{ created: boolean }>('PUT', `/v1/workflows/${workflowId}`, {
      text: got.body.current.source,
    });
    expect(roundTrip.body).toMatchObject({ created: false, version: 1 });

    const changed = await api.call<{ created: boolean; version: number }>(
      'PUT',
      `/v1/workflows/${workflowId}`,
      {
        text: got.body.current.source.replace('X-Plain: visible', 'X-Plain: changed'),
      },
    );
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ created: true, version: 2 });
    // Version 2 kept version 1's values (re-sealed for version 2): the run still passes them on.
    const again = await runToEnd(workflowId);
    expect(again.status).toBe('succeeded');
    expect(received.at(-1)!['x-api-key']).toBe(HEADER_SECRET);
    expect(received.at(-1)!['x-plain']).toBe('changed');
  });
});

describe('refusals', () => {
  it('refuses a template in a secret, and the placeholder where there is no value to keep', async () => {
    const templated = await api.call<ErrorBody>('POST', '/v1/workflows', {
      text: httpAndShell(`fe-tpl-${suffix}`, url).replace(`value: ${ENV_SECRET}`, 'value: "{{ run.id }}"'),
    });
    expect(templated.status).toBe(400);
    expect(templated.body.error.details?.problems).toContainEqual(
      expect.objectContaining({ code: 'secret_not_literal', path: 'steps[1].env.TOKEN.value' }),
    );
    const placeholder = await api.call<ErrorBody>('POST', '/v1/workflows', {
      text: httpAndShell(`fe-ph-${suffix}`, url).replace(`value: ${ENV_SECRET}`, 'value: "<secret>"'),
    });
    expect(placeholder.status).toBe(400);
    expect(placeholder.body.error.details?.problems).toEqual([
      expect.objectContaining({ code: 'secret_placeholder', path: 'steps[1].env.TOKEN' }),
    ]);
    expectNoSecret(templated.text + placeholder.text);
  });

  it('fails the step when a stored ciphertext was copied into another version (ciphertext_context_mismatch)', async () => {
    const source = await register(httpAndShell(`fe-src-${suffix}`, url));
    const target = await register(httpAndShell(`fe-dst-${suffix}`, url, `other-${suffix}`));
    const [from] = await sql<{ c: string }>(
      `SELECT definition #>> '{steps,1,env,TOKEN,ciphertext}' AS c FROM workflow_versions WHERE workflow_id = $1`,
      [source],
    );
    await sql(
      `UPDATE workflow_versions
          SET definition = jsonb_set(definition, '{steps,1,env,TOKEN,ciphertext}', to_jsonb($1::text))
        WHERE workflow_id = $2`,
      [from!.c, target],
    );
    const run = await runToEnd(target);
    expect(run.status).toBe('failed');
    const echo = run.steps.find((s) => s.id === 'echo')!;
    expect(echo.error?.code).toBe('secret_unreadable');
    expect(echo.error?.message).toContain('ciphertext_context_mismatch');
    expect(echo.error?.message).toContain('steps.echo.env.TOKEN');
  });
});

describe('writeOnly plugin config', () => {
  const pluginId = `acme.keyed-${suffix}`;
  const manifest: PluginManifest = {
    id: pluginId,
    name: 'Keyed',
    version: '1.0.0',
    description: 'Reports what it was configured with.',
    publisher: 'acme',
    inputSchema: { type: 'object' },
    outputSchema: { type: 'object' },
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { apiKey: { type: 'string', writeOnly: true }, region: { type: 'string' } },
    },
    capabilities: { hosts: [], credentials: [], limits: {} },
  };
  const SOURCE = `export default {
  run(input, ctx) {
    return { length: ctx.config.apiKey.length, echoed: ctx.config.apiKey, region: ctx.config.region };
  },
};
`;

  it('seals the property, masks it in the source, and hands the plugin the real value', async () => {
    const key = generatePublisherKeyPair();
    const trusted = await api.call('POST', '/v1/plugin-keys', {
      json: { name: `fe-${suffix}`, publicKeyPem: key.publicKeyPem },
    });
    expect(trusted.status).toBe(201);
    await publishSigned(api, manifest, SOURCE, key);
    const workflowId = await register(
      [
        `name: fe-plugin-${suffix}`,
        'version: 1',
        'steps:',
        '  - id: keyed',
        '    type: plugin',
        `    plugin: "${pluginId}@^1.0"`,
        `    config: { apiKey: "${CONFIG_SECRET}", region: eu }`,
        '',
      ].join('\n'),
    );
    const [row] = await sql<{ source: string; definition: string }>(
      'SELECT source, definition::text AS definition FROM workflow_versions WHERE workflow_id = $1',
      [workflowId],
    );
    expectNoSecret(row!.source + row!.definition);
    expect(row!.source).toContain('config: { apiKey: "<secret>", region: eu }');

    const run = await runToEnd(workflowId);
    expect(run.steps[0]).toMatchObject({ status: 'succeeded' });
    expect(run.steps[0]!.outputs).toEqual({ length: CONFIG_SECRET.length, echoed: '***', region: 'eu' });
    const got = await api.call('GET', `/v1/workflows/${workflowId}`);
    expectNoSecret(got.text + JSON.stringify(run));
  });
});
