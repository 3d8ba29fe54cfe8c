import type { IncomingHttpHeaders } from 'node:http';
import { SandboxFailure } from '../contract';
import { FetchNetworkError } from './denied';
import { createFetchBroker } from './fetch-broker';
import type { HostResolver } from './resolve';
import { aBinding, aBrokerContext } from './testing';
import {
  failureOf,
  mapResolver,
  PASSWORD,
  request,
  startTestHttps,
  TOKEN,
  type TestHttps,
} from './testing-https';

// Real HTTPS on loopback (see testing-https.ts): success path, credentials, masking, caps.

let https: TestHttps;
let port: number;
const url = (host: string, path: string) => https.url(host, path);
const aBroker: TestHttps['broker'] = (options) => https.broker(options);
const aContext: TestHttps['context'] = (overrides) => https.context(overrides);
let received: TestHttps['received'];

beforeAll(async () => {
  https = await startTestHttps();
  port = https.port;
  received = https.received;
});
afterAll(() => https.close());
beforeEach(() => https.reset());

describe('fetch broker over real HTTPS', () => {
  it('GETs with the plugin headers, minus the ones the broker owns', async () => {
    const context = aContext();
    const response = await aBroker().fetch(
      request(url('api.test.example', '/echo?q=1'), {
        headers: { 'X-Custom': 'yes', Cookie: 'a=b', Host: 'evil.example', 'Proxy-Authorization': 'x' },
      }),
      context,
    );
    expect(response.status).toBe(200);
    expect(response.truncated).toBe(false);
    expect(response.headers['content-type']).toBe('application/json');
    const seen = received[0]!.headers;
    expect(seen['x-custom']).toBe('yes');
    expect(seen.host).toBe(`api.test.example:${port}`);
    expect(seen.cookie).toBeUndefined();
    expect(seen['proxy-authorization']).toBeUndefined();
    expect(context.uses).toEqual([`fetch:api.test.example:${port}`]);
  });

  it('POSTs JSON and returns the JSON answer', async () => {
    const payload = JSON.stringify({ name: 'widget', count: 3 });
    const response = await aBroker().fetch(
      request(url('api.test.example', '/echo'), {
        method: 'post',
        headers: { 'content-type': 'application/json' },
        body: payload,
      }),
      aContext(),
    );
    const echo = JSON.parse(response.body) as { method: string; body: string; headers: IncomingHttpHeaders };
    expect(echo.method).toBe('POST');
    expect(echo.body).toBe(payload);
    expect(echo.headers['content-type']).toBe('application/json');
    expect(echo.headers['content-length']).toBe(String(Buffer.byteLength(payload)));
  });

  it('injects a bearer credential on the host and masks its echo in body and headers (case 19)', async () => {
    const context = aContext({
      capabilities: { credentials: [aBinding({ hosts: [`api.test.example:${port}`] })] },
    });
    const response = await aBroker().fetch(
      request(url('api.test.example', '/echo'), {
        credential: 'api',
        headers: { Authorization: 'Bearer mine' },
      }),
      context,
    );
    expect(received[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(response.body).not.toContain(TOKEN);
    expect(response.body).toContain('Bearer [REDACTED]');
    expect(response.headers['x-echo-auth']).toBe('Bearer [REDACTED]');
    expect(context.secrets).toEqual([TOKEN]);
    expect(context.uses).toEqual([`fetch:api.test.example:${port}`, 'credential:api']);
  });

  it('injects basic and named-header credentials, replacing what the plugin set', async () => {
    const bindings = [
      aBinding({
        slot: 'login',
        credential: 'basic-login',
        hosts: [`api.test.example:${port}`],
        inject: { kind: 'basic' },
      }),
      aBinding({
        slot: 'key',
        hosts: [`api.test.example:${port}`],
        inject: { kind: 'header', name: 'X-Api-Key' },
      }),
    ];
    const context = aContext({ capabilities: { credentials: bindings } });
    const broker = aBroker();
    const basic = await broker.fetch(
      request(url('api.test.example', '/echo'), { credential: 'login' }),
      context,
    );
    const expected = `Basic ${Buffer.from(`robot:${PASSWORD}`).toString('base64')}`;
    expect(received[0]!.headers.authorization).toBe(expected);
    expect(basic.body).not.toContain(expected.slice(6));
    expect(basic.headers['x-echo-auth']).toBe('Basic [REDACTED]');

    const keyed = await broker.fetch(
      request(url('api.test.example', '/echo'), { credential: 'key', headers: { 'x-api-key': 'forged' } }),
      context,
    );
    expect(received[1]!.headers['x-api-key']).toBe(TOKEN);
    expect(keyed.body).not.toContain(TOKEN);
    expect(keyed.body).not.toContain('forged');
    expect(context.secrets).toEqual([PASSWORD, `robot:${PASSWORD}`, TOKEN]);
  });

  it('masks a secret in a compressed echo (the broker decodes before masking)', async () => {
    const context = aContext({
      capabilities: { credentials: [aBinding({ hosts: [`api.test.example:${port}`] })] },
    });
    const response = await aBroker().fetch(
      request(url('api.test.example', '/echo-gzip'), {
        credential: 'api',
        headers: { 'accept-encoding': 'gzip' },
      }),
      context,
    );
    expect(received[0]!.headers['accept-encoding']).toBe('identity');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.body).toContain('Bearer [REDACTED]');
    expect(response.body).not.toContain(TOKEN);
  });

  it('truncates a body over the cap and reports it', async () => {
    const broker = aBroker({ maxResponseBytes: 1000 });
    const over = await broker.fetch(request(url('api.test.example', '/big?n=5000')), aContext());
    expect(over.body).toBe('a'.repeat(1000));
    expect(over.truncated).toBe(true);
    const exact = await broker.fetch(request(url('api.test.example', '/big?n=1000')), aContext());
    expect(exact.truncated).toBe(false);
  });

  it('does not leak the start of a secret cut by the size cap', async () => {
    const context = aContext({
      capabilities: { credentials: [aBinding({ hosts: [`api.test.example:${port}`] })] },
    });
    const response = await aBroker({ maxResponseBytes: 1000 }).fetch(
      request(url('api.test.example', '/secret-at-cap'), { credential: 'api' }),
      context,
    );
    expect(response.truncated).toBe(true);
    expect(response.body.startsWith('a'.repeat(995))).toBe(true);
    expect(response.body.slice(995)).toBe('[REDA');
    expect(response.body).not.toContain(TOKEN.slice(0, 3));
  });

  it('gives up at the time limit', async () => {
    const started = Date.now();
    const error = await failureOf(
      aBroker({ timeoutMs: 300 }).fetch(request(url('api.test.example', '/hang')), aContext()),
    );
    expect(error).toBeInstanceOf(SandboxFailure);
    expect((error as SandboxFailure).kind).toBe('capability-denied');
    expect(error.message).toBe(`fetch refused: api.test.example:${port} did not answer within 300 ms`);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops when the invocation is cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failureOf(
      aBroker().fetch(request(url('api.test.example', '/hang')), aContext({ signal: controller.signal })),
    );
    expect((error as SandboxFailure).kind).toBe('cancelled');
  });

  it('verifies the certificate against the URL host name, not the address', async () => {
    const untrusted = await failureOf(
      createFetchBroker({ resolve: mapResolver, allowAddresses: ['127.0.0.1/32'] }).fetch(
        request(url('api.test.example', '/echo')),
        aContext(),
      ),
    );
    expect(untrusted).toBeInstanceOf(FetchNetworkError);
    const wrongName = await failureOf(
      aBroker().fetch(request(url('nocert.test.example', '/echo')), aContext()),
    );
    expect(wrongName).toBeInstanceOf(FetchNetworkError);
    expect((wrongName as FetchNetworkError).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(received).toEqual([]);
  });

  it('connects to the address it checked, whatever DNS answers afterwards (rebinding)', async () => {
    let calls = 0;
    const rebinding: HostResolver = async () => [
      { address: calls++ === 0 ? '127.0.0.1' : '10.0.0.1', family: 4 },
    ];
    const response = await aBroker({ resolve: rebinding }).fetch(
      request(url('api.test.example', '/echo')),
      aContext(),
    );
    expect(response.status).toBe(200);
    expect(calls).toBe(1);
  });

  it('refuses a name the system resolver maps to loopback', async () => {
    const context = aBrokerContext({ capabilities: { allowedHosts: ['localhost'] } });
    const error = await failureOf(createFetchBroker().fetch(request('https://localhost/'), context));
    expect((error as SandboxFailure).kind).toBe('capability-denied');
    expect(error.message).toMatch(/^fetch refused: localhost resolves to .* is a loopback address/);
  });
});
