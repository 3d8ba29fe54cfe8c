import { SandboxFailure, type SandboxFetchRequest } from '../contract';
import { InMemoryCredentialResolver } from './credentials';
import { createFetchBroker, type FetchBrokerOptions } from './fetch-broker';
import type { HostResolver, ResolvedAddress } from './resolve';
import { aBinding, aBrokerContext } from './testing';

// Every case here is refused before a socket is opened, so these run without any network.

const TOKEN = 'tok-tenant-a-0123456789';

function setup(answers: Record<string, readonly ResolvedAddress[]> = {}, options: FetchBrokerOptions = {}) {
  const asked: string[] = [];
  const resolve: HostResolver = async (hostname) => {
    asked.push(hostname);
    const answer = answers[hostname];
    if (!answer) throw Object.assign(new Error(`no such host ${hostname}`), { code: 'ENOTFOUND' });
    return answer;
  };
  const credentials = new InMemoryCredentialResolver({
    'tenant-a': { 'api-token': { token: TOKEN } },
    'tenant-b': { 'b-token': { token: 'tok-tenant-b-9876543210' } },
  });
  return { broker: createFetchBroker({ resolve, credentials, ...options }), asked };
}

function get(url: string, extra: Partial<SandboxFetchRequest> = {}): SandboxFetchRequest {
  return { url, method: 'GET', headers: {}, ...extra };
}

async function refusal(promise: Promise<unknown>): Promise<SandboxFailure> {
  const error: unknown = await promise.then(
    () => new Error('the fetch was not refused'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SandboxFailure);
  return error as SandboxFailure;
}

describe('fetch broker refusals (case 18)', () => {
  it.each([
    [
      'a host not in the allowlist',
      'https://evil.example/',
      /host evil.example is not in the plugin's allowed hosts/,
    ],
    ['an IP literal', 'https://127.0.0.1/', /IP address hosts are not allowed \(127.0.0.1\)/],
    ['the metadata address', 'https://169.254.169.254/latest/meta-data/', /IP address hosts are not allowed/],
    ['a decimal IP', 'https://2130706433/', /IP address hosts are not allowed \(127.0.0.1\)/],
    ['user information', 'https://api.example.com@evil.example/', /user information/],
    ['plain http', 'http://api.example.com/', /only https URLs are allowed, not http/],
  ])('refuses %s without resolving anything', async (_case, url, message) => {
    const { broker, asked } = setup({ 'api.example.com': [{ address: '93.184.216.34', family: 4 }] });
    const context = aBrokerContext();
    const failure = await refusal(broker.fetch(get(url), context));
    expect(failure.kind).toBe('capability-denied');
    expect(failure.message).toMatch(message);
    expect(asked).toEqual([]);
    expect(context.uses).toEqual([]);
  });

  it.each([
    ['a private address', [{ address: '10.0.0.5', family: 4 }], /resolves to 10.0.0.5 is a private address/],
    ['loopback', [{ address: '127.0.0.1', family: 4 }], /a loopback address/],
    ['the metadata address', [{ address: '169.254.169.254', family: 4 }], /a cloud metadata address/],
    ['IPv6 loopback', [{ address: '::1', family: 6 }], /a loopback address/],
    ['a mapped private address', [{ address: '::ffff:192.168.0.10', family: 6 }], /a private address/],
    [
      'a public and a private address',
      [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ],
      /a private address/,
    ],
  ] as const)('refuses a name that resolves to %s', async (_case, answer, message) => {
    const { broker } = setup({ 'api.example.com': answer });
    const context = aBrokerContext();
    const failure = await refusal(broker.fetch(get('https://api.example.com/'), context));
    expect(failure.kind).toBe('capability-denied');
    expect(failure.message).toMatch(message);
    expect(context.uses).toEqual([]);
  });
});

describe('fetch broker credentials (case 19)', () => {
  const answers = {
    'api.example.com': [{ address: '10.9.9.9', family: 4 }],
    'other.example.com': [{ address: '10.9.9.9', family: 4 }],
  } as const;

  it('refuses a slot that is not bound for the step', async () => {
    const { broker } = setup(answers);
    const context = aBrokerContext({ capabilities: { credentials: [aBinding()] } });
    const failure = await refusal(
      broker.fetch(get('https://api.example.com/', { credential: 'other-step' }), context),
    );
    expect(failure.message).toBe('fetch refused: credential slot "other-step" is not bound for this step');
    expect(context.secrets).toEqual([]);
  });

  it('refuses to send a credential to an allowed host outside its hosts', async () => {
    const { broker } = setup(answers);
    const context = aBrokerContext({
      capabilities: { allowedHosts: ['api.example.com', 'other.example.com'], credentials: [aBinding()] },
    });
    const failure = await refusal(
      broker.fetch(get('https://other.example.com/', { credential: 'api' }), context),
    );
    expect(failure.message).toBe('fetch refused: credential slot "api" may not be sent to other.example.com');
    expect(context.secrets).toEqual([]);
  });

  it("cannot resolve another tenant's credential by naming it in a binding", async () => {
    const { broker } = setup(answers);
    const context = aBrokerContext({ capabilities: { credentials: [aBinding({ credential: 'b-token' })] } });
    const failure = await refusal(
      broker.fetch(get('https://api.example.com/', { credential: 'api' }), context),
    );
    expect(failure.message).toBe('fetch refused: the credential bound to slot "api" could not be resolved');
    expect(context.secrets).toEqual([]);
  });

  it('refuses a binding that would inject a header the broker owns', async () => {
    const { broker } = setup(answers);
    const binding = aBinding({ inject: { kind: 'header', name: 'Host' } });
    const context = aBrokerContext({ capabilities: { credentials: [binding] } });
    const failure = await refusal(
      broker.fetch(get('https://api.example.com/', { credential: 'api' }), context),
    );
    expect(failure.message).toMatch(/injects a header the broker may not set \(host\)/);
  });

  it('remembers the resolved secret before anything can fail later', async () => {
    const { broker } = setup(answers);
    const context = aBrokerContext({ capabilities: { credentials: [aBinding()] } });
    // 10.9.9.9 is private: refused after the credential was resolved.
    await refusal(broker.fetch(get('https://api.example.com/', { credential: 'api' }), context));
    expect(context.secrets).toEqual([TOKEN]);
  });
});

describe('fetch broker request caps', () => {
  const answers = { 'api.example.com': [{ address: '10.1.1.1', family: 4 }] } as const;

  it.each<[string, Partial<SandboxFetchRequest>, FetchBrokerOptions, RegExp]>([
    [
      'an oversized body',
      { method: 'POST', body: 'x'.repeat(2049) },
      { maxRequestBodyBytes: 2048 },
      /2049 bytes exceeds the limit of 2048/,
    ],
    [
      'a body that is not text',
      { method: 'POST', body: 42 as unknown as string },
      {},
      /body must be a string/,
    ],
    [
      'too many headers',
      { headers: { a: '1', b: '2', c: '3' } },
      { maxRequestHeaders: 2 },
      /3 request headers exceed the limit of 2/,
    ],
    [
      'oversized headers',
      { headers: { a: 'x'.repeat(100) } },
      { maxRequestHeaderBytes: 64 },
      /exceed the limit of 64/,
    ],
    [
      'a header with a line break',
      { headers: { 'x-a': 'v\r\nhost: evil' } },
      {},
      /header x-a has characters not allowed/,
    ],
    ['an invalid header name', { headers: { 'bad name': 'v' } }, {}, /is not a valid header name/],
    ['the TRACE method', { method: 'TRACE' }, {}, /method TRACE is not allowed/],
    ['the CONNECT method', { method: 'connect' }, {}, /method connect is not allowed/],
  ])('refuses %s', async (_case, extra, options, message) => {
    const { broker } = setup(answers, options);
    const failure = await refusal(broker.fetch(get('https://api.example.com/', extra), aBrokerContext()));
    expect(failure.kind).toBe('capability-denied');
    expect(failure.message).toMatch(message);
  });

  it('counts fetches per invocation', async () => {
    const { broker } = setup(answers, { maxFetchesPerInvocation: 2 });
    const context = aBrokerContext();
    for (let i = 0; i < 2; i++) {
      expect((await refusal(broker.fetch(get('https://api.example.com/'), context))).message).toMatch(
        /private/,
      );
    }
    const failure = await refusal(broker.fetch(get('https://api.example.com/'), context));
    expect(failure.message).toBe('fetch refused: more than 2 fetches in one invocation');
    // Another invocation has its own count.
    const next = await refusal(broker.fetch(get('https://api.example.com/'), aBrokerContext()));
    expect(next.message).toMatch(/private/);
  });

  it('fails as cancelled when the invocation is already over', async () => {
    const { broker, asked } = setup(answers);
    const controller = new AbortController();
    controller.abort();
    const failure = await refusal(
      broker.fetch(get('https://api.example.com/'), aBrokerContext({ signal: controller.signal })),
    );
    expect(failure.kind).toBe('cancelled');
    expect(asked).toEqual([]);
  });
});
