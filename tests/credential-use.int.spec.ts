/**
 * A credential used by a real run: created through POST /v1/credentials, bound by a plugin step,
 * decrypted on the tenant's worker only when the plugin's fetch needs it, injected by the host
 * broker into a real HTTPS request on loopback (the server sees it), and nowhere else: not in the
 * run's outputs, the worker's logs or any API response. Each use is audited with run and step,
 * and another tenant's credential of the same name is never used.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generatePublisherKeyPair, type PluginManifest } from '@warden/plugins';
import { createJsonLogger } from '../apps/worker/src/logger';
import { startApiHarness, type ApiHarness, type HttpResult, type RequestOptions } from './api-harness';
import { publishSigned, runToEnd, type RunView } from './plugin-fixtures';

const API_HOST = 'api.vault-test.example';
const MARKER = `s3cr3t-${randomUUID()}`;
const OWN_SECRET = `${MARKER}-own`;
const OTHER_SECRET = `${MARKER}-other-tenant`;

/** Calls ctx.fetch with the `api` slot and returns what the server says it saw. */
const SOURCE = `export default {
  async run(input, ctx) {
    const res = await ctx.fetch(input.url, { credential: 'api' });
    const echo = res.json();
    ctx.log('info', 'server saw ' + echo.authorization);
    return { status: res.status, seen: echo.authorization };
  },
};
`;

/** A self-signed certificate for API_HOST (plugin hosts are DNS names; node:crypto writes no X.509). */
async function selfSignedCertificate(): Promise<{ cert: Buffer; key: Buffer }> {
  const dir = await mkdtemp(join(tmpdir(), 'warden-cred-'));
  try {
    // prettier-ignore
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', `/CN=${API_HOST}`,
      '-addext', `subjectAltName=DNS:${API_HOST}`,
    ]);
    return { cert: await readFile(join(dir, 'cert.pem')), key: await readFile(join(dir, 'key.pem')) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('credentials used by plugin steps on the worker', () => {
  let api: ApiHarness;
  let server: Server;
  let host: string;
  const received: IncomingHttpHeaders[] = [];
  const logLines: string[] = [];
  const bodies: string[] = [];
  const pluginId = `acme.caller-${randomUUID().slice(0, 8)}`;
  const ownName = `svc-${randomUUID().slice(0, 8)}`;
  const otherOnlyName = `other-${randomUUID().slice(0, 8)}`;

  /** Every answer of this file is kept, to check at the end that none holds a secret. */
  async function call<T>(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResult<T>> {
    const result = await api.call<T>(method, path, opts);
    bodies.push(result.text);
    return result;
  }

  async function createCredential(name: string, token: string, ownerToken?: string): Promise<void> {
    const created = await call('POST', '/v1/credentials', {
      ...(ownerToken ? { token: ownerToken } : {}),
      json: { name, type: 'bearer', data: { token } },
    });
    expect(created.status).toBe(201);
  }

  async function workflowBinding(credential: string): Promise<string> {
    const saved = await call<{ id: string }>('POST', '/v1/workflows', {
      json: {
        source: [
          `name: cred-${credential}`,
          'version: 1',
          'steps:',
          '  - id: call-api',
          '    type: plugin',
          `    plugin: "${pluginId}@^1.0"`,
          `    with: { url: "https://${host}/echo" }`,
          `    credentials: { api: "${credential}" }`,
          '',
        ].join('\n'),
      },
    });
    expect(saved.status).toBe(201);
    return saved.body.id;
  }

  const run = async (workflowId: string): Promise<RunView> => {
    const view = await runToEnd(api, workflowId);
    bodies.push(JSON.stringify(view));
    return view;
  };

  beforeAll(async () => {
    const tls = await selfSignedCertificate();
    server = createServer(tls, (req, res) => {
      received.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ authorization: req.headers.authorization ?? null }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `${API_HOST}:${(server.address() as AddressInfo).port}`;
    api = await startApiHarness({
      worker: true,
      fetch: {
        ca: tls.cert,
        // The test name is served on loopback, an internal address the operator allows here.
        resolve: async () => [{ address: '127.0.0.1', family: 4 }],
        allowAddresses: ['127.0.0.1/32'],
      },
      workerLogger: createJsonLogger('worker', (_level, line) => logLines.push(line)),
    });
    const key = generatePublisherKeyPair();
    const trusted = await call('POST', '/v1/plugin-keys', {
      json: { name: 'ci', publicKeyPem: key.publicKeyPem },
    });
    expect(trusted.status).toBe(201);
    const manifest: PluginManifest = {
      id: pluginId,
      name: 'Caller',
      version: '1.0.0',
      description: 'Calls an API with a credential.',
      publisher: 'acme',
      inputSchema: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } },
      outputSchema: {
        type: 'object',
        required: ['status'],
        properties: { status: { type: 'integer' }, seen: { type: 'string' } },
      },
      capabilities: {
        hosts: [host],
        credentials: [{ name: 'api', hosts: [host], inject: { kind: 'bearer' } }],
        limits: { timeoutMs: 5000 },
      },
    };
    await publishSigned(api, manifest, SOURCE, key);

    // Another tenant holds a credential of the same name, and one this tenant does not have.
    const other = await api.createTenant();
    const otherOwner = await api.createUser(['owner'], { tenant: other });
    await createCredential(ownName, OTHER_SECRET, otherOwner.token);
    await createCredential(otherOnlyName, OTHER_SECRET, otherOwner.token);
    await createCredential(ownName, OWN_SECRET);
  });
  afterAll(async () => {
    await api?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it("injects this tenant's credential into the request: the server sees it, the run does not", async () => {
    const view = await run(await workflowBinding(ownName));
    expect(view.status).toBe('succeeded');
    expect(received.map((headers) => headers.authorization)).toEqual([`Bearer ${OWN_SECRET}`]);
    expect(view.steps[0]).toMatchObject({
      id: 'call-api',
      status: 'succeeded',
      outputs: { status: 200, seen: 'Bearer [REDACTED]' },
    });
    const fetched = await call('GET', `/v1/runs/${view.runId}`);
    expect(fetched.status).toBe(200);
  });

  it('audits the use with the credential name and version, the run, the step and the plugin', async () => {
    const events = await call<{ items: { outcome: string; details: Record<string, unknown> }[] }>(
      'GET',
      '/v1/audit?action=credential.use',
    );
    expect(events.status).toBe(200);
    expect(events.body.items).toEqual([
      expect.objectContaining({
        outcome: 'success',
        details: expect.objectContaining({
          name: ownName,
          version: 1,
          runId: expect.any(String),
          stepId: 'call-api',
          pluginId,
        }),
      }),
    ]);
  });

  it("refuses a name only another tenant has, with a message naming it; that tenant's value is never sent", async () => {
    received.length = 0;
    const view = await run(await workflowBinding(otherOnlyName));
    expect(view.status).toBe('failed');
    expect(view.steps[0]).toMatchObject({
      status: 'failed',
      error: {
        code: 'plugin_capability_denied',
        message: expect.stringContaining(`credential "${otherOnlyName}" does not exist in this tenant`),
      },
    });
    expect(received).toEqual([]);
  });

  it('keeps the secret out of the logs: the worker logger masks what the vault decrypted', () => {
    const logger = createJsonLogger('worker', (_level, line) => logLines.push(line));
    logger.error(`a careless line with ${OWN_SECRET}`, { header: `Bearer ${OWN_SECRET}` });
    const careless = logLines.at(-1) ?? '';
    expect(JSON.parse(careless)).toMatchObject({ message: 'a careless line with ***' });
    expect(logLines.some((line) => line.includes('server saw Bearer [REDACTED]'))).toBe(true);
    expect(logLines.join('\n')).not.toContain(MARKER);
  });

  it('never shows either secret in any API response of this file', () => {
    expect(bodies.length).toBeGreaterThan(5);
    for (const body of bodies) expect(body).not.toContain(MARKER);
  });
});
