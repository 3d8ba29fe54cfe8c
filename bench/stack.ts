/**
 * Everything the engine benchmark runs against, in one process on one Temporal server: the API
 * (in-process, real PostgreSQL), a Warden worker, a raw Temporal worker, and a local http
 * receiver that both sides' http activities call.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Client, Connection, type DataConverter } from '@temporalio/client';
import { KeyRing, tenantDataConverter } from '@warden/crypto';
import { NativeConnection, Worker } from '@temporalio/worker';
import {
  createTestDatabase,
  startTemporalDevServer,
  type TemporalDevServer,
  type TestDatabase,
} from '@warden/devstack';
import { DEFAULT_TENANT_ID, createActivities, createWardenWorker, type EngineLogger } from '@warden/engine';
import { prepareDatabase, TenantRepository, UserRepository } from '@warden/persistence';
import { DataSource } from 'typeorm';
import { createApp } from '../apps/api/src/app';
import { Sessions } from '../apps/api/src/auth/sessions';
import { ApiConfig } from '../apps/api/src/config/api.config';

export const RAW_TASK_QUEUE = 'bench-raw';

/**
 * Activity slots per worker. Far above what 50 sequential runs need, so neither side ever waits
 * for a slot; the same value for both.
 */
const MAX_ACTIVITIES = 200;

export interface BenchStack {
  /** Base URL of the in-process API. */
  api: string;
  /** `Authorization` header value of an Owner of the default tenant (the API authenticates every call). */
  authorization: string;
  app: INestApplication;
  /** The URL every http step and raw activity calls. */
  receiverUrl: string;
  /** Requests the receiver has answered so far (each run's steps must land exactly once). */
  receivedRequests(): number;
  /** A client on its own connection, used to await the raw side's results and read histories. */
  client: Client;
  /**
   * The same connection with the tenant's data converter, as the API's client for the tenant:
   * Warden's payloads are the tenant's ciphertext, which only this client (and the worker) reads.
   */
  wardenClient: Client;
  temporalAddress: string;
  databaseUrl: string;
  /** Runs `fn` while both workers poll. */
  withWorkers<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * An Owner of the default tenant with a session, and quotas high enough that the benchmark
 * measures orchestration, not the tenant's limits.
 */
async function signInBenchOwner(app: INestApplication): Promise<string> {
  const dataSource = app.get(DataSource);
  await new TenantRepository(dataSource).updatePolicy(DEFAULT_TENANT_ID, {
    quotas: { concurrentRuns: 100_000, runsPerMinute: 1_000_000, apiRequestsPerMinute: 10_000_000 },
  });
  const scope = { tenantId: DEFAULT_TENANT_ID };
  const user = await new UserRepository(dataSource).create(scope, {
    email: 'bench@warden.local',
    displayName: 'Benchmark',
    roles: ['owner'],
  });
  const session = await app.get(Sessions).start(scope, user.id, ['pwd']);
  return `Bearer ${session.accessToken}`;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

function startReceiver(): { server: Server; count: () => number } {
  let count = 0;
  const server = createServer((_req, res) => {
    count++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  return { server, count: () => count };
}

/** Both workers on one connection, in this process; they differ only in their workflow code. */
async function createWorkers(
  connection: NativeConnection,
  dataConverter: DataConverter,
  log: (line: string) => void,
): Promise<{ warden: Worker; raw: Worker }> {
  // Errors only: a log line per step would cost the Warden side CPU the raw side does not pay.
  const logger: EngineLogger = { info: () => undefined, warn: () => undefined, error: (m) => log(m) };
  // Both bundle their workflow code at start, the same way.
  const warden = await createWardenWorker({
    connection,
    tenantId: DEFAULT_TENANT_ID,
    logger,
    maxConcurrentActivityTaskExecutions: MAX_ACTIVITIES,
    dataConverter,
  });
  // The worker options createWardenWorker sets (libs/engine/src/worker.ts).
  const raw = await Worker.create({
    connection,
    taskQueue: RAW_TASK_QUEUE,
    workflowsPath: require.resolve('./raw-workflows'),
    activities: createActivities({ logger }),
    maxConcurrentActivityTaskExecutions: MAX_ACTIVITIES,
    maxHeartbeatThrottleInterval: '1s',
    stickyQueueScheduleToStartTimeout: '5s',
    shutdownGraceTime: '10s',
  });
  return { warden, raw };
}

export async function startBenchStack(log: (line: string) => void): Promise<BenchStack> {
  const cleanups: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((err: unknown) => log(`cleanup: ${String(err)}`));
  };
  try {
    let address = process.env.TEMPORAL_ADDRESS;
    if (!address) {
      const temporal: TemporalDevServer = await startTemporalDevServer({ ui: false, onProgress: log });
      cleanups.push(() => temporal.stop());
      address = temporal.address;
    }
    const db: TestDatabase = await createTestDatabase({ onProgress: log });
    cleanups.push(() => db.drop());
    await prepareDatabase(db.url);

    const receiver = startReceiver();
    const receiverUrl = `http://127.0.0.1:${await listen(receiver.server)}/ok`;
    cleanups.push(() => new Promise<void>((resolve) => receiver.server.close(() => resolve())));

    const config = ApiConfig.fromEnv({ DATABASE_URL: db.url, TEMPORAL_ADDRESS: address, PORT: '0' });
    const app: INestApplication = await createApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    cleanups.push(() => app.close());
    const api = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const authorization = await signInBenchOwner(app);

    const connection = await NativeConnection.connect({ address });
    cleanups.push(() => connection.close());
    const clientConnection = await Connection.connect({ address });
    cleanups.push(() => clientConnection.close());
    const client = new Client({ connection: clientConnection });
    // The API's own key ring (same process): the worker and the client seal and open with it.
    const dataConverter = tenantDataConverter(app.get(KeyRing), DEFAULT_TENANT_ID);
    const wardenClient = new Client({ connection: clientConnection, dataConverter });

    return {
      api,
      authorization,
      app,
      receiverUrl,
      receivedRequests: receiver.count,
      client,
      wardenClient,
      temporalAddress: address,
      databaseUrl: db.url,
      withWorkers: async (fn) => {
        const { warden, raw } = await createWorkers(connection, dataConverter, log);
        return warden.runUntil(() => raw.runUntil(fn));
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
