/**
 * Abuse cases 18 and 19 end to end: plugin code in a real sandbox process (bubblewrap and
 * isolated-vm) calls ctx.fetch, served by the real broker over real HTTPS on loopback. The secret
 * is injected on the host for the slot's hosts only, never readable inside the isolate, and
 * masked wherever the plugin could see or echo it.
 */
import { TOKEN, startTestHttps, mapResolver, type TestHttps } from './broker/testing-https';
import { withFetchQuota } from './broker/fetch-quota';
import { createFetchBroker } from './broker/fetch-broker';
import { InMemoryCredentialResolver } from './broker/credentials';
import type { CredentialBinding, SandboxJob } from './contract';
import { SandboxManager } from './host/manager';
import { aJob, aRecordingLogger, failureOf, TEST_LIMITS } from './test-builders';

let https: TestHttps;
let sandbox: SandboxManager;
let host: (name: string) => string;

const TENANT = 'tenant-a';

beforeAll(async () => {
  https = await startTestHttps();
  host = (name) => `${name}:${https.port}`;
  sandbox = new SandboxManager({
    broker: withFetchQuota(
      createFetchBroker({
        resolve: mapResolver,
        credentials: new InMemoryCredentialResolver({ [TENANT]: { 'api-token': { token: TOKEN } } }),
        allowAddresses: ['127.0.0.1/32'],
        ca: https.ca,
      }),
    ),
    logger: aRecordingLogger(),
    spares: 0,
  });
});
afterAll(async () => {
  sandbox.close();
  await https.close();
});
beforeEach(() => https.reset());

function binding(hosts: string[]): CredentialBinding {
  return { slot: 'api', credential: 'api-token', hosts, inject: { kind: 'bearer' } };
}

function fetchJob(code: string, overrides: Partial<SandboxJob> = {}): SandboxJob {
  return aJob(code, {
    tenantId: TENANT,
    limits: { ...TEST_LIMITS, timeoutMs: 3000 },
    capabilities: {
      allowedHosts: [host('api.test.example'), host('other.test.example')],
      credentials: [binding([host('api.test.example')])],
    },
    ...overrides,
  });
}

describe('ctx.fetch through the host broker, from inside the sandbox', () => {
  it('injects the credential on the host: the server gets it, the plugin only ever sees it masked', async () => {
    const code = `module.exports = { async run(input, ctx) {
      const res = await ctx.fetch(input.url, { credential: 'api' });
      const echo = res.json();
      ctx.log('info', 'server saw ' + echo.headers.authorization);
      return { status: res.status, seen: echo.headers.authorization, keys: Object.keys(ctx) };
    } };`;
    const result = await sandbox.execute(
      fetchJob(code, { input: { url: https.url('api.test.example', '/echo') } }),
    );
    expect(https.received[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(result.output).toMatchObject({ status: 200, keys: ['log', 'fetch', 'config'] });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect((result.output as { seen: string }).seen).toContain('[REDACTED]');
    expect(result.logs[0]?.message).toContain('[REDACTED]');
    expect(result.capabilitiesUsed).toEqual(
      expect.arrayContaining([`fetch:${host('api.test.example')}`, 'credential:api']),
    );
  });

  it("refuses to send the credential to another allowed host that is not the slot's", async () => {
    const code = `module.exports = { async run(input, ctx) {
      return await ctx.fetch(input.url, { credential: 'api' }).then(() => 'sent', (e) => e.name + ': ' + e.message);
    } };`;
    const result = await sandbox.execute(
      fetchJob(code, { input: { url: https.url('other.test.example', '/echo') } }),
    );
    expect(String(result.output)).toMatch(/credential|not allowed|slot/i);
    expect(https.received).toHaveLength(0);
  });

  it('refuses internal addresses and unlisted hosts, and the plugin cannot reach the network itself', async () => {
    const code = `module.exports = { async run(input, ctx) {
      const out = {};
      for (const url of input.urls) {
        out[url] = await ctx.fetch(url).then((r) => r.status, (e) => e.message);
      }
      out.globals = typeof fetch + ' ' + typeof XMLHttpRequest + ' ' + typeof require;
      return out;
    } };`;
    const urls = [
      'https://169.254.169.254/latest/meta-data/',
      `https://127.0.0.1:${https.port}/echo`,
      https.url('private.test.example', '/'),
      https.url('metadata.test.example', '/'),
      `https://${host('api.test.example')}@evil.example.com/`,
      'https://unlisted.example.com/',
      `http://${host('api.test.example')}/echo`,
    ];
    const result = await sandbox.execute(fetchJob(code, { input: { urls } }));
    const out = result.output as Record<string, unknown>;
    for (const url of urls) expect({ url, outcome: typeof out[url] }).toEqual({ url, outcome: 'string' });
    expect(out.globals).toBe('undefined undefined undefined');
    expect(https.received).toHaveLength(0);
  });

  it("a plugin that does not recover from a refusal fails as capability-denied; the tenant's quota counts", async () => {
    const failure = await failureOf(
      sandbox.execute(
        fetchJob(`module.exports = { run: (i, ctx) => ctx.fetch('https://169.254.169.254/') };`),
      ),
    );
    expect(failure.kind).toBe('capability-denied');
    const limited = fetchJob(
      `module.exports = { async run(input, ctx) { await ctx.fetch(input.url); return await ctx.fetch(input.url).then(() => 'twice', (e) => e.message); } };`,
      { input: { url: https.url('api.test.example', '/echo') } },
    );
    limited.capabilities.fetchesPerMinute = 1;
    const quota = await sandbox.execute(limited);
    expect(quota.output).toMatch(/quota of 1 plugin fetches per minute/);
    expect(https.received).toHaveLength(1);
  });
});
