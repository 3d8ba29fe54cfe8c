/**
 * Issue 5, section 6: the codec endpoint the Temporal Web UI (and CLI) decrypts payloads with.
 * A payload is decrypted only for a caller who may read runs in the tenant its key names;
 * everything else comes back exactly as sent. CORS answers the configured UI origin only.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { defaultPayloadConverter } from '@temporalio/common';
import {
  KeyRing,
  payloadsFromCodecJson,
  payloadsToCodecJson,
  TenantPayloadCodec,
  type CodecBodyJson,
  type CodecPayloadJson,
} from '@warden/crypto';
import { resolveTemporalCli } from '@warden/devstack';
import { temporalWorkflowIdFor } from '@warden/engine';
import { PostgresDataKeyStore } from '@warden/persistence';
import { DataSource } from 'typeorm';
import { startApiHarness, type ApiHarness, type HttpResult, type TestTenant } from './api-harness';

// Real servers and processes: Jest's 5 s default is too short (a project-level testTimeout is ignored).
jest.setTimeout(90_000);

const UI_ORIGIN = 'http://localhost:8233';
const suffix = randomUUID().slice(0, 8);
const MARKER = `codec_marker_${suffix}`;

interface ErrorBody {
  error: { code: string; details?: { problems?: { path: string }[] } };
}

let api: ApiHarness;
let other: TestTenant;
let otherOwnerToken: string;
/** The encrypted input of a run the API started for the harness tenant, as Temporal stores it. */
let ownPayload: CodecPayloadJson;
let otherPayload: CodecPayloadJson;
let runWorkflowId: string;

const plainPayload: CodecPayloadJson = payloadsToCodecJson([defaultPayloadConverter.toPayload('plain')])
  .payloads[0]!;

function codec(
  route: 'decode' | 'encode',
  payloads: CodecPayloadJson[],
  token?: string | null,
): Promise<HttpResult<CodecBodyJson & ErrorBody>> {
  return api.call('POST', `/v1/codec/${route}`, {
    json: { payloads },
    headers: { 'x-namespace': 'default' },
    ...(token === undefined ? {} : { token }),
  });
}

const valueOf = (payload: CodecPayloadJson): unknown =>
  defaultPayloadConverter.fromPayload(payloadsFromCodecJson({ payloads: [payload] })[0]!);

async function apiKey(permissions: string[]): Promise<string> {
  const key = await api.call<{ secret: string }>('POST', '/v1/api-keys', {
    json: { name: `codec-${randomUUID().slice(0, 8)}`, permissions },
  });
  expect(key.status).toBe(201);
  return key.body.secret;
}

beforeAll(async () => {
  // No worker: the run's start alone stores its input, encrypted, in the history.
  api = await startApiHarness();
  const registered = await api.call<{ id: string }>('POST', '/v1/workflows', {
    text: [
      `name: codec-${suffix}`,
      'version: 1.0',
      'inputs:',
      '  token: { type: string }',
      'steps:',
      '  - id: greet',
      '    type: log',
      '    message: "{{ inputs.token }}"',
      '',
    ].join('\n'),
  });
  expect(registered.status).toBe(201);
  const started = await api.call<{ runId: string }>('POST', `/v1/workflows/${registered.body.id}/runs`, {
    json: { inputs: { token: MARKER } },
  });
  expect(started.status).toBe(202);
  runWorkflowId = temporalWorkflowIdFor(started.body.runId);
  const history = await api.temporal.workflow.getHandle(runWorkflowId).fetchHistory();
  const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
  ownPayload = payloadsToCodecJson(input).payloads[0]!;

  other = await api.createTenant();
  otherOwnerToken = (await api.createUser(['owner'], { tenant: other })).token;
  const [theirs] = await new TenantPayloadCodec(api.app.get(KeyRing), other.id).encode([
    defaultPayloadConverter.toPayload({ theirs: MARKER }),
  ]);
  otherPayload = payloadsToCodecJson([theirs!]).payloads[0]!;
});

afterAll(async () => {
  await api?.temporal.workflow
    .getHandle(runWorkflowId)
    .terminate('test over')
    .catch(() => undefined);
  await api?.close();
});

describe('POST /v1/codec/decode', () => {
  it("decodes the caller's tenant's payloads and returns the rest exactly as sent", async () => {
    expect(Buffer.from(ownPayload.metadata!.encoding!, 'base64').toString()).toBe('binary/encrypted');
    const malformed = {
      ...ownPayload,
      metadata: { ...ownPayload.metadata, 'encryption-key-id': 'bm9wZQ==' },
    };
    const res = await codec('decode', [ownPayload, otherPayload, plainPayload, malformed]);
    expect(res.status).toBe(200);
    const [own, theirs, plain, bad] = res.body.payloads;
    expect(valueOf(own!)).toMatchObject({ runId: expect.any(String), inputs: { token: MARKER } });
    expect(theirs).toEqual(otherPayload);
    expect(plain).toEqual(plainPayload);
    expect(bad).toEqual(malformed);
  });

  it("lets the other tenant's Owner read theirs, and never ours", async () => {
    const res = await codec('decode', [ownPayload, otherPayload], otherOwnerToken);
    expect(res.status).toBe(200);
    expect(res.body.payloads[0]).toEqual(ownPayload);
    expect(valueOf(res.body.payloads[1]!)).toEqual({ theirs: MARKER });
  });

  it('decodes nothing without a token, or with a bad one', async () => {
    for (const token of [null, 'not-a-token']) {
      const res = await codec('decode', [ownPayload], token);
      expect(res.status).toBe(401);
      expect(res.text).not.toContain(MARKER);
    }
  });

  it('decodes for every holder of run:read (a Viewer, an API key) and for no one else', async () => {
    const viewer = await api.createUser(['viewer']);
    const readKey = await apiKey(['run:read']);
    for (const token of [viewer.token, readKey]) {
      const res = await codec('decode', [ownPayload], token);
      expect(res.status).toBe(200);
      expect(JSON.stringify(valueOf(res.body.payloads[0]!))).toContain(MARKER);
    }
    const noRoles = await api.createUser([]);
    const workflowsOnly = await apiKey(['workflow:read']);
    for (const token of [noRoles.token, workflowsOnly]) {
      const res = await codec('decode', [ownPayload], token);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      expect(res.text).not.toContain(MARKER);
    }
  });

  it.each([
    ['no payloads field', {}, 'payloads'],
    ['a payload that is not an object', { payloads: ['x'] }, 'payloads[0]'],
    ['data that is not base64', { payloads: [{ data: 'not base64!' }] }, 'payloads[0].data'],
    [
      'a metadata value that is not a string',
      { payloads: [{ metadata: { encoding: 1 } }] },
      'payloads[0].metadata.encoding',
    ],
    ['an unknown top-level field', { payloads: [], extra: true }, 'extra'],
  ])('refuses %s with 400 and the path', async (_case, body, path) => {
    const res = await api.call<ErrorBody>('POST', '/v1/codec/decode', { json: body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details?.problems?.map((p) => p.path)).toContain(path);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const res = await api.call<ErrorBody>('POST', '/v1/codec/decode', {
      text: 'payloads',
      contentType: 'text/plain',
    });
    expect(res.status).toBe(415);
  });
});

describe('POST /v1/codec/encode', () => {
  it("encrypts with the caller's tenant key, in a form the tenant's workers decrypt", async () => {
    const res = await codec('encode', [plainPayload]);
    expect(res.status).toBe(200);
    const [encoded] = res.body.payloads;
    expect(Buffer.from(encoded!.metadata!.encoding!, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(encoded!.metadata!['encryption-key-id']!, 'base64').toString()).toMatch(
      new RegExp(`^${api.tenant.id}/tenant/\\d+$`),
    );
    // A worker process's ring: the same master key and key table, its own cache.
    const workerRing = new KeyRing({
      provider: api.app.get(KeyRing).provider,
      store: new PostgresDataKeyStore(api.app.get(DataSource)),
    });
    const [decoded] = await new TenantPayloadCodec(workerRing, api.tenant.id).decode(
      payloadsFromCodecJson({ payloads: [encoded!] }),
    );
    expect(defaultPayloadConverter.fromPayload(decoded!)).toBe('plain');
  });

  it('needs run:read too', async () => {
    const noRoles = await api.createUser([]);
    expect((await codec('encode', [plainPayload], noRoles.token)).status).toBe(403);
    expect((await codec('encode', [plainPayload], null)).status).toBe(401);
  });
});

describe('CORS on /v1/codec/*', () => {
  const preflight = (origin: string, path = '/v1/codec/decode') =>
    fetch(`${api.url}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-namespace',
      },
    });

  it('answers a preflight from the configured UI origin, without a token', async () => {
    const res = await preflight(UI_ORIGIN);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')).toBe('POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization, content-type, x-namespace');
  });

  it('gives another origin nothing, and no other route any CORS header', async () => {
    const foreign = await preflight('https://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('access-control-allow-credentials')).toBeNull();
    const elsewhere = await preflight(UI_ORIGIN, '/v1/runs');
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets the UI read answers, errors included', async () => {
    const refused = await api.call('POST', '/v1/codec/decode', {
      json: { payloads: [] },
      token: null,
      headers: { origin: UI_ORIGIN },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const decoded = await api.call('POST', '/v1/codec/decode', {
      json: { payloads: [] },
      headers: { origin: 'https://evil.example' },
    });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the temporal CLI as a codec client', () => {
  /** The run's input as `temporal workflow show` prints it through the codec endpoint. */
  async function shownInput(auth: string): Promise<{ encoding: string; data: string }> {
    const cli = await resolveTemporalCli();
    if (!('path' in cli)) throw new Error('no Temporal CLI binary: the integration setup builds one');
    const { stdout } = await promisify(execFile)(cli.path, [
      'workflow',
      'show',
      '--workflow-id',
      runWorkflowId,
      '--address',
      process.env.TEMPORAL_ADDRESS!,
      '--namespace',
      'default',
      '--output',
      'json',
      '--codec-endpoint',
      `${api.url}/v1/codec`,
      '--codec-auth',
      auth,
    ]);
    const shown = JSON.parse(stdout) as {
      events: { workflowExecutionStartedEventAttributes?: { input: CodecBodyJson } }[];
    };
    const payload = shown.events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!;
    const text = (b64: string | undefined) => Buffer.from(b64 ?? '', 'base64').toString('utf8');
    return { encoding: text(payload.metadata?.encoding), data: text(payload.data) };
  }

  it("shows the decrypted input with an Owner's token, and ciphertext with another tenant's", async () => {
    const own = await shownInput(`Bearer ${api.owner.token}`);
    expect(own.encoding).toBe('json/plain');
    expect(own.data).toContain(MARKER);
    const foreign = await shownInput(`Bearer ${otherOwnerToken}`);
    expect(foreign.encoding).toBe('binary/encrypted');
    expect(foreign.data).not.toContain(MARKER);
  });
});
