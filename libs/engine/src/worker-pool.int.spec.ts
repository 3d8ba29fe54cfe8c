import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { EngineLogger } from './activity-contract';
import { getRunState } from './run-state-client';
import { taskQueueFor, temporalWorkflowIdFor, WARDEN_WORKFLOW_TYPE, type RunArgs } from './shared';
import { WorkerPool, type PoolTenant, type WorkerPoolOptions } from './worker-pool';

jest.setTimeout(90_000);

const REFRESH_MS = 500;
const NAMESPACE = 'default';

let connection: Connection;
let native: NativeConnection;
let client: Client;
let bundle: string;

/** Records what the pool logs, so the tests can see failures it reported and survived. */
function recordingLogger(): EngineLogger & { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  return {
    errors,
    warnings,
    info: () => undefined,
    warn: (message) => warnings.push(message),
    error: (message, meta) => errors.push(`${message} ${JSON.stringify(meta)}`),
  };
}

function aPooledTenant(overrides: Partial<PoolTenant> = {}): PoolTenant {
  const id = randomUUID();
  return { id, slug: `pool-${id.slice(0, 8)}`, isolation: 'pooled', ...overrides };
}

/** A one-step run on the tenant's queue; resolves with its final status. */
async function runOnce(tenantId: string): Promise<string> {
  const runId = randomUUID();
  const args: RunArgs = {
    runId,
    tenantId,
    workflowId: randomUUID(),
    workflowName: 'pool-test',
    workflowVersion: 1,
    definition: { name: 'pool-test', version: '1.0', inputs: {}, steps: [{ id: 'only', type: 'noop' }] },
    inputs: {},
    profile: 'restricted',
  };
  const handle = await client.workflow.start(WARDEN_WORKFLOW_TYPE, {
    taskQueue: taskQueueFor(tenantId),
    workflowId: temporalWorkflowIdFor(runId),
    args: [args],
  });
  await handle.result();
  return (await getRunState(client, runId)).status;
}

async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  const address = process.env.TEMPORAL_ADDRESS;
  const bundlePath = process.env.WARDEN_WORKFLOW_BUNDLE;
  if (!address || !bundlePath) {
    throw new Error(
      'TEMPORAL_ADDRESS and WARDEN_WORKFLOW_BUNDLE are not set: run through the integration project',
    );
  }
  bundle = bundlePath;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Installed by an earlier file in this process.
  }
  connection = await Connection.connect({ address });
  native = await NativeConnection.connect({ address });
  client = new Client({ connection, namespace: NAMESPACE });
});

afterAll(async () => {
  await native?.close();
  await connection?.close();
});

function aPool(
  listTenants: () => Promise<readonly PoolTenant[]>,
  logger: EngineLogger,
  tenantWorkerOptions?: WorkerPoolOptions['tenantWorkerOptions'],
): WorkerPool {
  return new WorkerPool({
    ...(tenantWorkerOptions ? { tenantWorkerOptions } : {}),
    connection: native,
    namespace: NAMESPACE,
    workflowBundle: { codePath: bundle },
    listTenants,
    refreshIntervalMs: REFRESH_MS,
    worker: { shutdownGraceTime: '1s' },
    logger,
  });
}

test("one tenant's worker failing to start is logged and retried while the others keep running", async () => {
  const healthy = aPooledTenant();
  const broken = aPooledTenant();
  let brokenAttempts = 0;
  const logger = recordingLogger();
  const pool = aPool(
    async () => [healthy, broken],
    logger,
    async (tenant) => {
      if (tenant.id !== broken.id) return {};
      brokenAttempts += 1;
      // Its first two starts fail (say its key cannot be loaded yet); the third works.
      if (brokenAttempts <= 2) throw new Error('tenant key unavailable');
      return {};
    },
  );
  await pool.start();
  try {
    expect(pool.servedTenants().map((t) => t.id)).toEqual([healthy.id]);
    expect(await runOnce(healthy.id)).toBe('succeeded');
    await eventually(
      () => pool.servedTenants().length === 2,
      'the broken tenant is served at a later refresh',
    );
    expect(brokenAttempts).toBe(3);
    expect(logger.errors).toHaveLength(2);
    expect(logger.errors.every((e) => e.includes(broken.slug) && e.includes('tenant key unavailable'))).toBe(
      true,
    );
    expect(await runOnce(broken.id)).toBe('succeeded');
  } finally {
    await pool.shutdown();
  }
  expect(pool.servedTenants()).toEqual([]);
});

test('an unreadable tenant list keeps the current workers; a failing first listing rejects start()', async () => {
  const tenant = aPooledTenant();
  let listingFails = false;
  const logger = recordingLogger();
  const pool = aPool(async () => {
    if (listingFails) throw new Error('database unavailable');
    return [tenant];
  }, logger);
  await pool.start();
  try {
    listingFails = true;
    await eventually(() => logger.warnings.length >= 2, 'two refreshes failed');
    expect(pool.servedTenants().map((t) => t.id)).toEqual([tenant.id]);
    expect(await runOnce(tenant.id)).toBe('succeeded');
  } finally {
    await pool.shutdown();
  }

  const failing = aPool(async () => {
    throw new Error('database unavailable');
  }, recordingLogger());
  await expect(failing.start()).rejects.toThrow('database unavailable');
  await failing.shutdown();
});
