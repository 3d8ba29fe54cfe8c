/**
 * Shared set-up of the API and CLI integration tests: the run's database prepared (migrations,
 * application role), the Nest app in-process on 127.0.0.1:0, a fresh tenant with an Owner whose
 * access token every `call` sends, and (optionally) a worker on that tenant's queue, all against
 * the real Temporal dev server and PostgreSQL of Jest's global setup.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { BuiltInRoleKey } from '@warden/authz';
import { KeyRing, tenantDataConverter } from '@warden/crypto';
import { createWardenWorker, type EngineLogger, type PluginHost } from '@warden/engine';
import {
  DataKeyChangeListener,
  PostgresDataKeyStore,
  prepareDatabase,
  TenantRepository,
  UserRepository,
  type NewTenant,
} from '@warden/persistence';
import {
  SandboxManager,
  createFetchBroker,
  withFetchQuota,
  type FetchBrokerOptions,
  type SandboxManagerOptions,
} from '@warden/sandbox';
import { DataSource } from 'typeorm';
import { createApp } from '../apps/api/src/app';
import { Sessions } from '../apps/api/src/auth/sessions';
import { ApiConfig } from '../apps/api/src/config/api.config';
import { ringKeyMaintenance } from '../apps/worker/src/key-maintenance';
import { createPluginHost } from '../apps/worker/src/plugin-host';
import { ringSecretFields } from '../apps/worker/src/secret-fields';
import { ringCredentialResolver } from '../apps/worker/src/vault-credentials';

export const REPO_ROOT = join(__dirname, '..');

export interface HttpResult<T> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export interface RequestOptions {
  json?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Bearer token to send instead of the harness Owner's; `null` sends none. */
  token?: string | null;
}

export interface TestTenant {
  readonly id: string;
  readonly slug: string;
}

export interface TestUser {
  readonly userId: string;
  readonly tenant: TestTenant;
  /** An access token of a fresh session. */
  readonly token: string;
  readonly refreshToken: string;
}

export interface ApiHarness {
  url: string;
  /** No data converter: sees Temporal's payloads as stored (encrypted). */
  temporal: Client;
  app: INestApplication;
  /** The harness's own tenant, and its Owner (whose token `call` sends by default). */
  tenant: TestTenant;
  owner: TestUser;
  call<T = unknown>(method: string, path: string, opts?: RequestOptions): Promise<HttpResult<T>>;
  /** Another tenant (pooled unless said otherwise), created directly in the registry. */
  createTenant(input?: Partial<NewTenant>): Promise<TestTenant>;
  /**
   * A worker on that tenant's queue (the harness's own tenant has one with `worker: true`). With
   * `sandboxOptions`, its plugins run in a sandbox of their own built with them (say, a bwrap path
   * that does not exist).
   */
  startWorkerFor(
    tenant: TestTenant,
    sandboxOptions?: Omit<SandboxManagerOptions, 'broker' | 'logger'>,
  ): Promise<void>;
  /** A user with these roles in `tenant` (default: the harness tenant), signed in. */
  createUser(
    roles: (BuiltInRoleKey | string)[],
    opts?: { tenant?: TestTenant; platformAdmin?: boolean; email?: string; passwordHash?: string },
  ): Promise<TestUser>;
  close(): Promise<void>;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through jest (jest/integration-setup.ts sets it)`);
  return value;
}

const quietSandboxLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Installed by an earlier file in this process.
  }
}

export async function startApiHarness(
  opts: {
    worker?: boolean;
    env?: Record<string, string>;
    /** The workers' fetch broker (a test CA, a name resolver); credentials always come from the vault. */
    fetch?: Omit<FetchBrokerOptions, 'credentials'>;
    workerLogger?: EngineLogger;
  } = {},
): Promise<ApiHarness> {
  quietRuntime();
  const databaseUrl = requiredEnv('DATABASE_URL');
  const temporalAddress = requiredEnv('TEMPORAL_ADDRESS');
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  await prepareDatabase(databaseUrl);

  const config = ApiConfig.fromEnv({
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: namespace,
    WARDEN_MAX_PROFILE: 'elevated',
    ...opts.env,
  });
  const app: INestApplication = await createApp(config, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  const dataSource = app.get(DataSource);
  const tenants = new TenantRepository(dataSource);
  const users = new UserRepository(dataSource);
  const sessions = app.get(Sessions);
  const createTenant = async (input: Partial<NewTenant> = {}): Promise<TestTenant> => {
    const slug = input.slug ?? `t-${randomUUID().slice(0, 12)}`;
    const tenant = await tenants.create({
      name: `Test tenant ${slug}`,
      maxProfile: 'elevated',
      ...input,
      slug,
    });
    return { id: tenant.id, slug: tenant.slug };
  };
  const createUser: ApiHarness['createUser'] = async (roles, userOpts = {}) => {
    const tenant = userOpts.tenant ?? ownTenant;
    const scope = { tenantId: tenant.id };
    const user = await users.create(scope, {
      email: userOpts.email ?? `${roles.join('-') || 'nobody'}-${randomUUID().slice(0, 8)}@example.test`,
      displayName: `Test ${roles.join(', ')}`,
      roles,
      platformAdmin: userOpts.platformAdmin ?? false,
      ...(userOpts.passwordHash === undefined ? {} : { passwordHash: userOpts.passwordHash }),
    });
    const session = await sessions.start(scope, user.id, ['pwd']);
    return { userId: user.id, tenant, token: session.accessToken, refreshToken: session.refreshToken };
  };
  const ownTenant = await createTenant();
  const owner = await createUser(['owner']);

  const temporalConnection = await Connection.connect({ address: temporalAddress });
  const temporal = new Client({ connection: temporalConnection, namespace });

  const workers: { worker: Worker; running: Promise<void> }[] = [];
  let workerConnection: NativeConnection | undefined;
  // The worker's plugin host, as apps/worker builds it: the real sandbox, no verified-plugin cache
  // (tests change the registry under it).
  let sandbox: SandboxManager | undefined;
  const ownSandboxes: SandboxManager[] = [];
  // As apps/worker wires it: the vault resolver, decrypting with the workers' key ring.
  const brokerOptions = (): FetchBrokerOptions => ({
    ...opts.fetch,
    credentials: ringCredentialResolver(dataSource, workerKeyRing!),
  });
  const pluginHost = (sandboxOptions?: Omit<SandboxManagerOptions, 'broker' | 'logger'>): PluginHost => {
    let workerSandbox: SandboxManager;
    if (sandboxOptions === undefined) {
      workerSandbox = sandbox ??= new SandboxManager({
        broker: withFetchQuota(createFetchBroker(brokerOptions())),
        logger: quietSandboxLogger,
      });
    } else {
      workerSandbox = new SandboxManager({
        ...sandboxOptions,
        broker: withFetchQuota(createFetchBroker(brokerOptions())),
        logger: quietSandboxLogger,
      });
      ownSandboxes.push(workerSandbox);
    }
    return createPluginHost({ dataSource, sandbox: workerSandbox, platformKeys: [], cacheTtlMs: 0 });
  };
  // The workers' own ring, as a worker process has: the API's master key, the same key table,
  // a cache of its own.
  let workerKeyRing: KeyRing | undefined;
  // As apps/worker does: key rotations and destroys announced by the API reach this cache at once.
  let workerKeyChanges: DataKeyChangeListener | undefined;
  const startWorkerFor: ApiHarness['startWorkerFor'] = async (tenant, sandboxOptions) => {
    workerConnection ??= await NativeConnection.connect({ address: temporalAddress });
    const ring = (workerKeyRing ??= new KeyRing({
      provider: app.get(KeyRing).provider,
      store: new PostgresDataKeyStore(dataSource),
    }));
    workerKeyChanges ??= await DataKeyChangeListener.start(databaseUrl, {
      onChange: (tenantId) => ring.evict(tenantId),
    });
    const bundle = process.env.WARDEN_WORKFLOW_BUNDLE;
    const worker = await createWardenWorker({
      connection: workerConnection,
      namespace,
      tenantId: tenant.id,
      ...(bundle ? { workflowBundle: { codePath: bundle } } : {}),
      shutdownGraceTime: '1s',
      plugins: pluginHost(sandboxOptions),
      ...(opts.workerLogger ? { logger: opts.workerLogger } : {}),
      dataConverter: tenantDataConverter(workerKeyRing, tenant.id),
      secrets: ringSecretFields(workerKeyRing),
      credentials: ringCredentialResolver(dataSource, workerKeyRing).forHttpSteps(),
      keys: ringKeyMaintenance(dataSource, workerKeyRing),
    });
    workers.push({ worker, running: worker.run() });
  };
  if (opts.worker) await startWorkerFor(ownTenant);

  return {
    url,
    temporal,
    app,
    tenant: ownTenant,
    owner,
    createTenant,
    createUser,
    startWorkerFor,
    async call<T>(method: string, path: string, req: RequestOptions = {}): Promise<HttpResult<T>> {
      const token = req.token === undefined ? owner.token : req.token;
      const headers: Record<string, string> = {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...req.headers,
      };
      let body: string | undefined;
      if (req.json !== undefined) {
        body = JSON.stringify(req.json);
        headers['content-type'] = req.contentType ?? 'application/json';
      } else if (req.text !== undefined) {
        body = req.text;
        headers['content-type'] = req.contentType ?? 'application/yaml';
      }
      const response = await fetch(`${url}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON: keep the text (tests assert on it).
      }
      return { status: response.status, headers: response.headers, text, body: parsed as T };
    },
    async close() {
      for (const { worker } of workers) worker.shutdown();
      await Promise.all(workers.map((w) => w.running));
      await workerConnection?.close();
      await workerKeyChanges?.close();
      sandbox?.close();
      for (const own of ownSandboxes) own.close();
      await temporalConnection.close();
      await app.close();
    },
  };
}

/** An example file's text with its `name:` made unique, so test files never collide. */
export function exampleWithName(file: string, name: string): string {
  const text = readFileSync(join(REPO_ROOT, 'examples', file), 'utf8');
  return text.replace(/^name: .*$/m, `name: ${name}`);
}

export interface RunBody {
  runId: string;
  status: string;
  steps: {
    id: string;
    status: string;
    outputs: Record<string, unknown>;
    error?: { code: string; message: string };
  }[];
  error: { code: string; message: string; stepId?: string } | null;
}

/** Polls GET /v1/runs/:id until `predicate` holds. */
export async function waitForRun(
  api: ApiHarness,
  runId: string,
  predicate: (run: RunBody) => boolean,
  timeoutMs = 30_000,
): Promise<RunBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await api.call<RunBody>('GET', `/v1/runs/${runId}`);
    if (status === 200 && predicate(body)) return body;
    if (Date.now() > deadline)
      throw new Error(`run ${runId} never matched; last: ${status} ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const isFinished = (run: RunBody): boolean =>
  ['succeeded', 'failed', 'cancelled'].includes(run.status);
