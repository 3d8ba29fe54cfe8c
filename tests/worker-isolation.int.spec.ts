/**
 * Worker tenancy on a real Temporal dev server: the shared pool serves exactly the pooled
 * tenants its directory lists (picking up and dropping tenants without a restart), and never
 * touches a dedicated tenant's queue, in that tenant's namespace or in the pooled one.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { tenantDataConverter } from '@warden/crypto';
import {
  dedicatedNamespaceFor,
  ensureNamespace,
  getRunState,
  taskQueueFor,
  temporalWorkflowIdFor,
  WARDEN_WORKFLOW_TYPE,
  WorkerPool,
  type EngineLogger,
  type RunArgs,
} from '@warden/engine';
import { serveTenant } from '../apps/worker/src/serve';
import type { TenantDirectory, TenantRef } from '../apps/worker/src/tenant-directory';
import {
  aWorkflow,
  inMemoryKeyRing,
  quietRuntime,
  startEngineHarness,
  temporalTarget,
  type EngineHarness,
  type StartedRun,
  type TemporalTarget,
} from './engine-harness';

jest.setTimeout(90_000);

const REFRESH_MS = 1000;
/** Longer than a couple of refreshes: time enough for a pool that wrongly polled to take the task. */
const NEVER_PICKED_UP_MS = 3500;
const POOLED_NAMESPACE = 'default';
const WORKFLOW_TASK = 1;
const ACTIVITY_TASK = 2;

const definition = aWorkflow([{ id: 'only', type: 'noop' }]);
const suffix = randomUUID().slice(0, 8);

function aTenant(name: string, isolation: TenantRef['isolation'] = 'pooled'): TenantRef {
  const slug = `iso-${name}-${suffix}`;
  return {
    id: randomUUID(),
    slug,
    isolation,
    namespace: isolation === 'dedicated' ? dedicatedNamespaceFor(slug) : POOLED_NAMESPACE,
  };
}

/** In memory, so the test can add, remove and re-class tenants while the pool runs. */
class MemoryTenantDirectory implements TenantDirectory {
  readonly tenants = new Map<string, TenantRef>();

  put(...tenants: TenantRef[]): void {
    for (const t of tenants) this.tenants.set(t.slug, t);
  }

  async listPooled(): Promise<TenantRef[]> {
    return [...this.tenants.values()].filter((t) => t.isolation === 'pooled');
  }

  async findBySlug(slug: string): Promise<TenantRef | undefined> {
    return this.tenants.get(slug);
  }
}

const silent: EngineLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

const A = aTenant('a');
const B = aTenant('b');
const C = aTenant('c');
const D = aTenant('d', 'dedicated');
const poolIdentity = `pool-${suffix}`;
/** One process's keys, shared by the harness clients and the workers, as in production. */
const keyRing = inMemoryKeyRing();
const dataConverterFor = (tenantId: string) => tenantDataConverter(keyRing, tenantId);

let target: TemporalTarget;
let connection: Connection;
let native: NativeConnection;
let pool: WorkerPool;
let poolRunning: Promise<void>;
const directory = new MemoryTenantDirectory();
const harnesses = new Map<string, EngineHarness>();
const leftPending: WorkflowHandle[] = [];

/** A run of `definition` on the tenant's queue in the pooled namespace, through the engine harness. */
async function startPooledRun(tenant: TenantRef) {
  let harness = harnesses.get(tenant.id);
  if (!harness) {
    harness = await startEngineHarness({ withWorker: false, tenantId: tenant.id, keyRing });
    harnesses.set(tenant.id, harness);
  }
  return harness.start(definition);
}

/** The harness starts runs in the pooled namespace only; a dedicated tenant's runs start in its own. */
async function startRunIn(
  client: Client,
  tenant: TenantRef,
): Promise<{ runId: string; handle: WorkflowHandle }> {
  const runId = randomUUID();
  const args: RunArgs = {
    runId,
    tenantId: tenant.id,
    workflowId: randomUUID(),
    workflowName: definition.name,
    workflowVersion: 1,
    definition,
    inputs: {},
    profile: 'restricted',
  };
  const handle = await client.workflow.start(WARDEN_WORKFLOW_TYPE, {
    taskQueue: taskQueueFor(tenant.id),
    workflowId: temporalWorkflowIdFor(runId),
    args: [args],
  });
  return { runId, handle };
}

/** True once any worker has taken a workflow task of this run. */
async function pickedUp(handle: WorkflowHandle): Promise<boolean> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).some((e) => e.workflowTaskStartedEventAttributes != null);
}

async function pollerIdentities(namespace: string, taskQueue: string): Promise<string[]> {
  const identities: string[] = [];
  for (const taskQueueType of [WORKFLOW_TASK, ACTIVITY_TASK]) {
    const res = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType,
    });
    identities.push(...(res.pollers ?? []).map((p) => p.identity ?? ''));
  }
  return identities;
}

async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `work`, or a failure after `timeoutMs` rather than a hang until Jest's timeout. */
async function within<T>(work: Promise<T>, what: string, timeoutMs = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen in ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function finalStatus(run: StartedRun): Promise<string> {
  return (await within(run.finalState(), `run ${run.runId} finishing`)).status;
}

const servedSlugs = () => pool.servedTenants().map((t) => t.slug);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  const bundle = process.env.WARDEN_WORKFLOW_BUNDLE;
  if (!bundle) throw new Error('WARDEN_WORKFLOW_BUNDLE is not set: run through the integration project');
  quietRuntime();
  target = await temporalTarget();
  connection = await Connection.connect({ address: target.address });
  native = await NativeConnection.connect({ address: target.address });
  await ensureNamespace(connection, D.namespace, { retentionDays: 1 });
  directory.put(A, B, D);
  pool = new WorkerPool({
    connection: native,
    namespace: POOLED_NAMESPACE,
    workflowBundle: { codePath: bundle },
    // Every tenant, dedicated ones included: the pool's own filter must keep D out.
    listTenants: async () => [...directory.tenants.values()],
    refreshIntervalMs: REFRESH_MS,
    worker: { identity: poolIdentity, shutdownGraceTime: '1s' },
    tenantWorkerOptions: (tenant) => Promise.resolve({ dataConverter: dataConverterFor(tenant.id) }),
    logger: silent,
  });
  await pool.start();
  poolRunning = pool.run();
});

afterAll(async () => {
  await Promise.all(leftPending.map((h) => h.terminate('test over').catch(() => undefined)));
  await pool?.shutdown();
  await poolRunning;
  for (const h of harnesses.values()) await h.close();
  await native?.close();
  await connection?.close();
  await target?.stop();
});

test('the pool runs its pooled tenants and picks up a new one without a restart', async () => {
  expect(servedSlugs()).toEqual([A.slug, B.slug]);
  const [runA, runB] = await Promise.all([startPooledRun(A), startPooledRun(B)]);
  expect(await finalStatus(runA)).toBe('succeeded');
  expect(await finalStatus(runB)).toBe('succeeded');

  const runC = await startPooledRun(C);
  directory.put(C);
  expect(servedSlugs()).not.toContain(C.slug);
  expect(await finalStatus(runC)).toBe('succeeded');
  expect(servedSlugs()).toEqual([A.slug, B.slug, C.slug]);
});

test('a dedicated tenant is never polled by the pool; its own worker runs it in its namespace', async () => {
  const dClient = new Client({ connection, namespace: D.namespace, dataConverter: dataConverterFor(D.id) });
  const inOwnNamespace = await startRunIn(dClient, D);
  // The same queue name in the pooled namespace: a pool that polled D's queue would take this.
  const misrouted = await startPooledRun(D);
  leftPending.push(misrouted.handle);
  await sleep(NEVER_PICKED_UP_MS);
  expect(await pickedUp(inOwnNamespace.handle)).toBe(false);
  expect(await pickedUp(misrouted.handle)).toBe(false);

  // The check below can see the pool: it polls A's queue under its identity.
  expect(await pollerIdentities(POOLED_NAMESPACE, taskQueueFor(A.id))).toContain(poolIdentity);
  expect(await pollerIdentities(D.namespace, taskQueueFor(D.id))).not.toContain(poolIdentity);
  expect(await pollerIdentities(POOLED_NAMESPACE, taskQueueFor(D.id))).not.toContain(poolIdentity);

  // `--tenant <slug>` for D: resolves the slug to D's id and namespace and runs the run there.
  const dedicated = await serveTenant(
    {
      connection: native,
      directory,
      workflowBundle: { codePath: process.env.WARDEN_WORKFLOW_BUNDLE! },
      worker: { identity: `dedicated-${suffix}`, shutdownGraceTime: '1s' },
      dataConverterFor,
      logger: silent,
    },
    D.slug,
  );
  const dedicatedRunning = dedicated.run();
  try {
    await within(inOwnNamespace.handle.result(), "D's run finishing");
    expect((await getRunState(dClient, inOwnNamespace.runId)).status).toBe('succeeded');
    // It serves D's namespace only: the misrouted run stays untouched.
    expect(await pickedUp(misrouted.handle)).toBe(false);
  } finally {
    dedicated.shutdown();
    await dedicatedRunning;
  }
});

test('a tenant that leaves the pool or becomes dedicated is drained and its queue no longer polled', async () => {
  directory.tenants.delete(B.slug);
  directory.put({ ...C, isolation: 'dedicated', namespace: dedicatedNamespaceFor(C.slug) });
  await eventually(() => servedSlugs().join() === A.slug, 'B and C are drained');

  const [afterB, afterC] = await Promise.all([startPooledRun(B), startPooledRun(C)]);
  leftPending.push(afterB.handle, afterC.handle);
  await sleep(NEVER_PICKED_UP_MS);
  expect(await pickedUp(afterB.handle)).toBe(false);
  expect(await pickedUp(afterC.handle)).toBe(false);
  // A is still served.
  expect(await finalStatus(await startPooledRun(A))).toBe('succeeded');
});
