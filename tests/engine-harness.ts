/**
 * Shared set-up of the engine integration tests: a real Temporal dev server (the one Jest's
 * global setup started, through TEMPORAL_ADDRESS), an in-process worker on a tenant of its own,
 * and helpers to start runs and read their state.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { InMemoryDataKeyStore, KeyRing, LocalKeyProvider, tenantDataConverter } from '@warden/crypto';
import type { SecurityProfile, Step, WorkflowDefinition } from '@warden/definition';
import { startTemporalDevServer } from '@warden/devstack';
import {
  createWardenWorker,
  getRunState,
  taskQueueFor,
  temporalWorkflowIdFor,
  WARDEN_WORKFLOW_TYPE,
  type RunArgs,
  type RunState,
  type WardenWorkerOptions,
} from '@warden/engine';

export interface TemporalTarget {
  address: string;
  namespace: string;
  stop(): Promise<void>;
}

/**
 * The server Jest's global setup started (TEMPORAL_ADDRESS); when a file runs on its own without
 * it, a private in-memory dev server of the real CLI (resolved the way @warden/devstack does).
 */
export async function temporalTarget(): Promise<TemporalTarget> {
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const existing = process.env.TEMPORAL_ADDRESS;
  if (existing) return { address: existing, namespace, stop: async () => undefined };
  const server = await startTemporalDevServer({ ui: false });
  return { address: server.address, namespace, stop: () => server.stop() };
}

export interface EngineHarness {
  /** The tenant's client: payloads encrypted with `keyRing`, as the API's are. */
  client: Client;
  keyRing: KeyRing;
  tenantId: string;
  target: TemporalTarget;
  /** Starts a run of `definition` on this harness's tenant queue. */
  start(
    definition: WorkflowDefinition,
    inputs?: Record<string, unknown>,
    profile?: SecurityProfile,
  ): Promise<StartedRun>;
  close(): Promise<void>;
}

export interface StartedRun {
  runId: string;
  handle: WorkflowHandle;
  /** Waits until the run closes (any outcome), then reads its state through getRunState. */
  finalState(): Promise<RunState>;
  /** getRunState now. */
  state(): Promise<RunState>;
}

/** Expected failures (failed runs are half of these tests) would flood the output at WARN. */
export function quietRuntime(): void {
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
    });
  } catch {
    // Already installed by an earlier file in this process: keep that one.
  }
}

/** Data keys in memory under a random master key: one process's worth of tenants' keys. */
export function inMemoryKeyRing(): KeyRing {
  return new KeyRing({ provider: new LocalKeyProvider(randomBytes(32)), store: new InMemoryDataKeyStore() });
}

export async function startEngineHarness(
  opts: {
    withWorker?: boolean;
    worker?: Partial<WardenWorkerOptions>;
    tenantId?: string;
    /** Shared with workers the test runs itself; default a ring of the harness's own. */
    keyRing?: KeyRing;
  } = {},
): Promise<EngineHarness> {
  const target = await temporalTarget();
  const tenantId = opts.tenantId ?? `it-${randomUUID().slice(0, 8)}`;
  const keyRing = opts.keyRing ?? inMemoryKeyRing();
  const clientConnection = await Connection.connect({ address: target.address });
  const client = new Client({
    connection: clientConnection,
    namespace: target.namespace,
    dataConverter: tenantDataConverter(keyRing, tenantId),
  });
  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let workerConnection: NativeConnection | undefined;
  if (opts.withWorker !== false) {
    // Only with a worker: an installed runtime that never runs one keeps Node from exiting.
    quietRuntime();
    workerConnection = await NativeConnection.connect({ address: target.address });
    const bundle = process.env.WARDEN_WORKFLOW_BUNDLE;
    worker = await createWardenWorker({
      connection: workerConnection,
      namespace: target.namespace,
      tenantId,
      ...(bundle ? { workflowBundle: { codePath: bundle } } : {}),
      shutdownGraceTime: '1s',
      dataConverter: tenantDataConverter(keyRing, tenantId),
      ...opts.worker,
    });
    workerRun = worker.run();
  }

  return {
    client,
    keyRing,
    tenantId,
    target,
    async start(definition, inputs = {}, profile = 'elevated') {
      const runId = randomUUID();
      const args: RunArgs = {
        runId,
        tenantId,
        workflowId: randomUUID(),
        workflowName: definition.name,
        workflowVersion: 1,
        definition,
        inputs,
        profile,
      };
      const handle = await client.workflow.start(WARDEN_WORKFLOW_TYPE, {
        taskQueue: taskQueueFor(tenantId),
        workflowId: temporalWorkflowIdFor(runId),
        args: [args],
      });
      return {
        runId,
        handle,
        state: () => getRunState(client, runId),
        async finalState() {
          await handle.result().catch(() => undefined);
          return getRunState(client, runId);
        },
      };
    },
    async close() {
      if (worker) {
        worker.shutdown();
        await workerRun;
      }
      await workerConnection?.close();
      await clientConnection.close();
      await target.stop();
    },
  };
}

/** Fixture builders: a definition with sensible defaults, and steps in a few words. */
export function aWorkflow(steps: Step[], extra: Partial<WorkflowDefinition> = {}): WorkflowDefinition {
  return { name: 'engine-test', version: '1.0', inputs: {}, steps, ...extra };
}

export function shellStep(id: string, command: string, extra: Record<string, unknown> = {}): Step {
  return { id, type: 'shell', command, ...extra };
}

/** Polls until `predicate` holds for the run state, or fails after `timeoutMs`. */
export async function waitForState(
  run: StartedRun,
  predicate: (state: RunState) => boolean,
  timeoutMs = 30_000,
): Promise<RunState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await run.state();
    if (predicate(state)) return state;
    if (Date.now() > deadline) throw new Error(`state never matched; last: ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Whether any live process remains in process group `pgid`. Reads /proc rather than
 * kill(-pgid, 0), which also counts zombies that this container's init never reaps.
 */
export async function groupAlive(pgid: number): Promise<boolean> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}
