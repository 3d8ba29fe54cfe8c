/**
 * http steps that authenticate with a vault credential, through the real API and worker: the
 * credential is decrypted in the step's activity on the tenant's worker, sets the request's
 * header (bearer, basic, api-key, or a token from an OAuth2 client-credentials exchange), is
 * audited with run and step, and shows nowhere else: not in the run's outputs, any API answer or
 * Temporal's history. Unknown names fail with their own code; another tenant's value is never used.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KeyRing, TenantPayloadCodec } from '@warden/crypto';
import { temporalWorkflowIdFor } from '@warden/engine';
import { startApiHarness, type ApiHarness, type HttpResult, type RequestOptions } from './api-harness';
import { runToEnd, type RunView } from './plugin-fixtures';

const MARKER = `s3cr3t-${randomUUID()}`;
const BEARER = `${MARKER}-bearer`;
const PASSWORD = `${MARKER}-password`;
const API_KEY = `${MARKER}-key`;
const CLIENT_SECRET = `${MARKER}-client`;
const ACCESS_TOKEN = `${MARKER}-access`;
const OTHER_TENANT = `${MARKER}-other-tenant`;

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('http steps with a vault credential', () => {
  let api: ApiHarness;
  let server: Server;
  let base: string;
  const seen: Seen[] = [];
  const bodies: string[] = [];
  const runIds: string[] = [];
  const suffix = randomUUID().slice(0, 8);
  const names = {
    bearer: `bearer-${suffix}`,
    basic: `basic-${suffix}`,
    apiKey: `key-${suffix}`,
    oauth: `oauth-${suffix}`,
    custom: `custom-${suffix}`,
    otherOnly: `other-${suffix}`,
  };

  async function call<T>(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResult<T>> {
    const result = await api.call<T>(method, path, opts);
    bodies.push(result.text);
    return result;
  }

  async function createCredential(name: string, type: string, data: unknown, token?: string): Promise<void> {
    const created = await call('POST', '/v1/credentials', {
      ...(token ? { token } : {}),
      json: { name, type, data },
    });
    expect(created.status).toBe(201);
  }

  /** Saves a one-step workflow calling `/echo` with `credential`, runs it, returns the run. */
  async function runWithCredential(
    credential: string,
    headers: Record<string, string> = {},
  ): Promise<RunView> {
    const saved = await call<{ id: string }>('POST', '/v1/workflows', {
      json: {
        source: [
          `name: http-cred-${credential}-${randomUUID().slice(0, 6)}`,
          'version: 1',
          'steps:',
          '  - id: call-api',
          '    type: http',
          `    url: ${base}/echo`,
          `    credential: ${credential}`,
          `    headers: ${JSON.stringify(headers)}`,
          '',
        ].join('\n'),
      },
    });
    expect(saved.status).toBe(201);
    const view = await runToEnd(api, saved.body.id);
    bodies.push(JSON.stringify(view));
    runIds.push(view.runId);
    return view;
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push({ path: req.url ?? '', headers: req.headers, body });
        res.setHeader('content-type', 'application/json');
        if (req.url === '/token') {
          const expected = `Basic ${Buffer.from(`app-${suffix}:${CLIENT_SECRET}`).toString('base64')}`;
          const ok = req.headers.authorization === expected;
          res.writeHead(ok ? 200 : 401);
          res.end(
            JSON.stringify(
              ok ? { access_token: ACCESS_TOKEN, token_type: 'Bearer' } : { error: 'invalid_client' },
            ),
          );
          return;
        }
        // The echo answers what it was sent, as careless servers do: the run must not show it.
        res.end(
          JSON.stringify({
            authorization: req.headers.authorization ?? null,
            apiKey: req.headers['x-api-key'] ?? null,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    api = await startApiHarness({ worker: true });

    await createCredential(names.bearer, 'bearer', { token: BEARER });
    await createCredential(names.basic, 'basic', { username: 'alice', password: PASSWORD });
    await createCredential(names.apiKey, 'api-key', { key: API_KEY });
    await createCredential(names.oauth, 'oauth2-client', {
      clientId: `app-${suffix}`,
      clientSecret: CLIENT_SECRET,
      tokenUrl: `${base}/token`,
      scopes: ['read', 'write'],
    });
    await createCredential(names.custom, 'custom', { token: `${MARKER}-custom` });
    // Another tenant has a credential of the same name, and one this tenant does not have.
    const other = await api.createTenant();
    const otherOwner = await api.createUser(['owner'], { tenant: other });
    await createCredential(names.bearer, 'bearer', { token: OTHER_TENANT }, otherOwner.token);
    await createCredential(names.otherOnly, 'bearer', { token: OTHER_TENANT }, otherOwner.token);
  });

  afterAll(async () => {
    await api?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it("bearer: the server sees this tenant's token; the run's outputs show it masked", async () => {
    seen.length = 0;
    const view = await runWithCredential(names.bearer);
    expect(view.status).toBe('succeeded');
    expect(seen.map((s) => s.headers.authorization)).toEqual([`Bearer ${BEARER}`]);
    const outputs = view.steps[0].outputs as { status: number; body: { authorization: string } };
    expect(outputs.status).toBe(200);
    expect(outputs.body.authorization).toBe('Bearer ***');
  });

  it('basic: Authorization: Basic base64(user:password)', async () => {
    seen.length = 0;
    const view = await runWithCredential(names.basic);
    expect(view.status).toBe('succeeded');
    const expected = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;
    expect(seen.map((s) => s.headers.authorization)).toEqual([expected]);
  });

  it('api-key: X-API-Key by default, and no Authorization', async () => {
    seen.length = 0;
    const view = await runWithCredential(names.apiKey);
    expect(view.status).toBe('succeeded');
    expect(seen).toHaveLength(1);
    expect(seen[0].headers['x-api-key']).toBe(API_KEY);
    expect(seen[0].headers.authorization).toBeUndefined();
  });

  it('oauth2-client: a client-credentials grant at tokenUrl, then the access token as Bearer', async () => {
    seen.length = 0;
    const view = await runWithCredential(names.oauth);
    expect(view.status).toBe('succeeded');
    expect(seen.map((s) => s.path)).toEqual(['/token', '/echo']);
    const form = new URLSearchParams(seen[0].body);
    expect(seen[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(form)).toEqual({ grant_type: 'client_credentials', scope: 'read write' });
    expect(seen[1].headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
  });

  it('a header the step sets itself is never overridden: the step fails, nothing is sent', async () => {
    seen.length = 0;
    const view = await runWithCredential(names.bearer, { Authorization: 'Bearer mine' });
    expect(view.status).toBe('failed');
    expect(view.steps[0]).toMatchObject({ error: { code: 'credential_header_conflict' } });
    expect(seen).toEqual([]);
  });

  it('custom credentials are refused at run with their own code', async () => {
    seen.length = 0;
    const view = await runWithCredential(names.custom);
    expect(view.steps[0]).toMatchObject({ status: 'failed', error: { code: 'credential_unsupported' } });
    expect(seen).toEqual([]);
  });

  it("an unknown name (even one another tenant has) fails the step; that tenant's value is never sent", async () => {
    seen.length = 0;
    const view = await runWithCredential(names.otherOnly);
    expect(view.steps[0]).toMatchObject({
      status: 'failed',
      error: { code: 'credential_not_found', message: expect.stringContaining(names.otherOnly) },
    });
    expect(seen).toEqual([]);
  });

  it('audits every use with the credential, the run and the step', async () => {
    const events = await call<{ items: { outcome: string; details: Record<string, unknown> }[] }>(
      'GET',
      '/v1/audit?action=credential.use',
    );
    expect(events.status).toBe(200);
    const bearerUses = events.body.items.filter((e) => e.details.name === names.bearer);
    expect(bearerUses).toContainEqual(
      expect.objectContaining({
        outcome: 'success',
        details: expect.objectContaining({
          version: 1,
          type: 'bearer',
          runId: runIds[0],
          stepId: 'call-api',
          pluginId: null,
        }),
      }),
    );
    expect(events.body.items).toContainEqual(
      expect.objectContaining({
        outcome: 'failure',
        details: expect.objectContaining({ name: names.otherOnly, reason: 'not_found', stepId: 'call-api' }),
      }),
    );
  });

  it("no secret in any API answer, nor in Temporal's history (raw, nor with payloads decrypted)", async () => {
    expect(bodies.length).toBeGreaterThan(10);
    for (const body of bodies) expect(body).not.toContain(MARKER);
    const codec = new TenantPayloadCodec(api.app.get(KeyRing), api.tenant.id);
    for (const runId of runIds) {
      const history = await api.temporal.workflow.getHandle(temporalWorkflowIdFor(runId)).fetchHistory();
      const payloads = collectPayloads(history);
      expect(payloads.length).toBeGreaterThan(0);
      const decoded = await codec.decode(payloads);
      const text =
        JSON.stringify(history) + decoded.map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n');
      expect(text).not.toContain(MARKER);
    }
  });
});

type Payload = { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null };

/** Every Payload in a history (objects with binary `data` and `metadata`). */
function collectPayloads(root: unknown): Payload[] {
  const found: Payload[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next !== 'object' || next === null || next instanceof Uint8Array) continue;
    const record = next as Record<string, unknown>;
    if (
      record.data instanceof Uint8Array &&
      typeof record.metadata === 'object' &&
      record.metadata !== null
    ) {
      found.push(record as Payload);
      continue;
    }
    for (const value of Object.values(record)) stack.push(value);
  }
  return found;
}
