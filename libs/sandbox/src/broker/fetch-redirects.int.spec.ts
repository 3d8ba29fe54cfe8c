import { SandboxFailure } from '../contract';
import { aBinding } from './testing';
import { failureOf, request, startTestHttps, TOKEN, type Received, type TestHttps } from './testing-https';

// Every redirect hop is checked like the first request (real HTTPS on loopback, testing-https.ts).

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

describe('fetch broker redirects (case 18)', () => {
  const redirect = (to: string, status = 302) =>
    url('api.test.example', `/redirect?status=${status}&to=${encodeURIComponent(to)}`);

  it.each([
    [
      'an IP literal',
      () => `https://127.0.0.1:${port}/echo`,
      /IP address hosts are not allowed \(127.0.0.1\)/,
    ],
    [
      'the metadata IP',
      () => 'https://169.254.169.254/latest/meta-data/',
      /IP address hosts are not allowed/,
    ],
    [
      'a name resolving to a private address',
      () => url('private.test.example', '/echo'),
      /10.0.0.5 is a private address/,
    ],
    [
      'a name resolving to other loopback',
      () => url('loop2.test.example', '/echo'),
      /127.0.0.2 is a loopback address/,
    ],
    [
      'a name resolving to metadata',
      () => url('metadata.test.example', '/'),
      /169.254.169.254 is a cloud metadata address/,
    ],
    [
      'a host not in the allowlist',
      () => `https://evil.test.example:${port}/`,
      /host evil.test.example:\d+ is not in the plugin's allowed hosts/,
    ],
    ['plain http', () => `http://api.test.example:${port}/echo`, /only https URLs are allowed/],
    ['user information', () => `https://api.test.example:${port}@evil.test.example/`, /user information/],
  ])('refuses a redirect to %s', async (_case, to, message) => {
    const error = await failureOf(aBroker().fetch(request(redirect(to())), aContext()));
    expect(error).toBeInstanceOf(SandboxFailure);
    expect((error as SandboxFailure).kind).toBe('capability-denied');
    expect(error.message).toMatch(message);
    expect(received.map((r) => r.path)).toEqual(['/redirect']);
  });

  it('follows up to the redirect limit, then refuses', async () => {
    const chain = (hops: number): string =>
      hops === 0 ? url('api.test.example', '/echo') : redirect(chain(hops - 1));
    const five = await aBroker().fetch(request(chain(5)), aContext());
    expect(five.status).toBe(200);
    const error = await failureOf(aBroker().fetch(request(chain(6)), aContext()));
    expect(error.message).toBe('fetch refused: more than 5 redirects');
  });

  it('sends the credential only on hops to its hosts', async () => {
    const context = aContext({
      capabilities: { credentials: [aBinding({ hosts: [`api.test.example:${port}`] })] },
    });
    const response = await aBroker().fetch(
      request(redirect(url('other.test.example', '/echo'), 307), { credential: 'api' }),
      context,
    );
    expect(response.status).toBe(200);
    expect(received.map((r) => [r.headers.host, r.headers.authorization])).toEqual([
      [`api.test.example:${port}`, `Bearer ${TOKEN}`],
      [`other.test.example:${port}`, undefined],
    ]);
    expect(context.uses).toEqual([
      `fetch:api.test.example:${port}`,
      'credential:api',
      `fetch:other.test.example:${port}`,
    ]);
  });

  it('turns a POST into a GET without body on 303 and keeps it on 307', async () => {
    const post = (status: number) =>
      request(redirect(url('api.test.example', '/echo'), status), {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'payload',
      });
    const seeOther = JSON.parse((await aBroker().fetch(post(303), aContext())).body) as Received;
    expect([seeOther.method, seeOther.body, seeOther.headers['content-type']]).toEqual([
      'GET',
      '',
      undefined,
    ]);
    const temporary = JSON.parse((await aBroker().fetch(post(307), aContext())).body) as Received;
    expect([temporary.method, temporary.body]).toEqual(['POST', 'payload']);
  });
});
