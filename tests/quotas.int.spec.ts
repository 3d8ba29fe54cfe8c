/**
 * Tenant quotas, each on a tenant of its own: API requests per minute, runs started per minute,
 * and runs open at once. Over a quota the answer is 429 `quota_exceeded` with Retry-After, and
 * other tenants are not affected.
 */
import { randomUUID } from 'node:crypto';
import { exampleWithName, startApiHarness, type ApiHarness, type TestUser } from './api-harness';

interface ErrorBody {
  error: { code: string; details?: { quota?: string; limit?: number; retryAfterSeconds?: number } };
}

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api?.close();
});

async function ownerOfTenantWith(quotas: {
  concurrentRuns: number;
  runsPerMinute: number;
  apiRequestsPerMinute: number;
}): Promise<TestUser> {
  const tenant = await api.createTenant({ quotas });
  return api.createUser(['owner'], { tenant });
}

async function registerHello(owner: TestUser): Promise<string> {
  const created = await api.call<{ id: string }>('POST', '/v1/workflows', {
    text: exampleWithName('hello-world.yaml', `quota-${randomUUID().slice(0, 8)}`),
    token: owner.token,
  });
  expect(created.status).toBe(201);
  return created.body.id;
}

function expectQuota(
  response: { status: number; headers: Headers; body: unknown },
  quota: string,
  limit: number,
): void {
  expect(response.status).toBe(429);
  const body = response.body as ErrorBody;
  expect(body.error.code).toBe('quota_exceeded');
  expect(body.error.details).toMatchObject({ quota, limit });
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBe(body.error.details?.retryAfterSeconds);
}

it('refuses API requests over the per-minute quota, for that tenant only', async () => {
  const owner = await ownerOfTenantWith({ concurrentRuns: 100, runsPerMinute: 100, apiRequestsPerMinute: 5 });
  for (let i = 0; i < 5; i++) {
    expect((await api.call('GET', '/v1/workflows', { token: owner.token })).status).toBe(200);
  }
  expectQuota(await api.call('GET', '/v1/workflows', { token: owner.token }), 'apiRequestsPerMinute', 5);
  // Another tenant keeps working.
  expect((await api.call('GET', '/v1/workflows')).status).toBe(200);
});

it('refuses starts over the runs-per-minute quota', async () => {
  const owner = await ownerOfTenantWith({
    concurrentRuns: 100,
    runsPerMinute: 2,
    apiRequestsPerMinute: 1000,
  });
  const workflowId = await registerHello(owner);
  const start = () =>
    api.call('POST', `/v1/workflows/${workflowId}/runs`, {
      json: { inputs: { name: 'q' } },
      token: owner.token,
    });
  expect((await start()).status).toBe(202);
  expect((await start()).status).toBe(202);
  expectQuota(await start(), 'runsPerMinute', 2);
  // A dry run starts nothing and is not counted.
  const planned = await api.call('POST', `/v1/workflows/${workflowId}/runs`, {
    json: { dryRun: true },
    token: owner.token,
  });
  expect(planned.status).toBe(200);
});

it('refuses a start while the tenant has as many runs open as its concurrency quota', async () => {
  // No worker serves this tenant: the first run stays open.
  const owner = await ownerOfTenantWith({
    concurrentRuns: 1,
    runsPerMinute: 100,
    apiRequestsPerMinute: 1000,
  });
  const workflowId = await registerHello(owner);
  const start = () =>
    api.call('POST', `/v1/workflows/${workflowId}/runs`, {
      json: { inputs: { name: 'q' } },
      token: owner.token,
    });
  expect((await start()).status).toBe(202);
  expectQuota(await start(), 'concurrentRuns', 1);
  // Still refused once the count is taken from Temporal again, not only from this process.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  expectQuota(await start(), 'concurrentRuns', 1);
});
