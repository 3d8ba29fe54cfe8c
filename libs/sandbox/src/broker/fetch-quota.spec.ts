import { SandboxFailure, type BrokerContext, type CapabilityBroker } from '../contract';
import { withFetchQuota } from './fetch-quota';

const answered: CapabilityBroker = {
  fetch: () => Promise.resolve({ status: 200, headers: {}, body: 'ok', truncated: false }),
};

function contextOf(tenantId: string, fetchesPerMinute?: number): BrokerContext {
  return {
    tenantId,
    pluginId: 'acme.x',
    capabilities: {
      allowedHosts: ['api.example.com'],
      credentials: [],
      ...(fetchesPerMinute ? { fetchesPerMinute } : {}),
    },
    signal: new AbortController().signal,
    recordUse: () => undefined,
    rememberSecret: () => undefined,
  };
}

const request = { url: 'https://api.example.com/', method: 'GET', headers: {} };

describe('withFetchQuota', () => {
  it("refuses a tenant's fetches past its quota for the rest of the minute, other tenants unaffected", async () => {
    let clock = 1_000_000;
    const broker = withFetchQuota(answered, () => clock);
    const a = contextOf('tenant-a', 2);
    await broker.fetch(request, a);
    await broker.fetch(request, a);
    const refused = await broker.fetch(request, a).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SandboxFailure);
    expect(refused).toMatchObject({
      kind: 'capability-denied',
      message: expect.stringMatching(/quota of 2 plugin fetches per minute/),
    });
    await expect(broker.fetch(request, contextOf('tenant-b', 2))).resolves.toMatchObject({ status: 200 });
    clock += 60_000;
    await expect(broker.fetch(request, a)).resolves.toMatchObject({ status: 200 });
  });

  it('counts nothing when the job carries no quota', async () => {
    const broker = withFetchQuota(answered);
    for (let i = 0; i < 50; i++) await broker.fetch(request, contextOf('tenant-a'));
  });
});
