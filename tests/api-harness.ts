/**
 * Shared set-up of the API and CLI integration tests: migrations on the run's database, the
 * Nest app in-process on 127.0.0.1:0, and (optionally) a worker on the default tenant's queue,
 * all against the real Temporal dev server and PostgreSQL of Jest's global setup.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createWardenWorker, DEFAULT_TENANT_ID } from '@warden/engine';
import { runMigrations } from '@warden/persistence';
import { createApp } from '../apps/api/src/app';
import { ApiConfig } from '../apps/api/src/config/api.config';

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
}

export interface ApiHarness {
  url: string;
  temporal: Client;
  call<T = unknown>(method: string, path: string, opts?: RequestOptions): Promise<HttpResult<T>>;
  close(): Promise<void>;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through jest (jest/integration-setup.ts sets it)`);
  return value;
}

function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Installed by an earlier file in this process.
  }
}

export async function startApiHarness(
  opts: { worker?: boolean; env?: Record<string, string> } = {},
): Promise<ApiHarness> {
  quietRuntime();
  const databaseUrl = requiredEnv('DATABASE_URL');
  const temporalAddress = requiredEnv('TEMPORAL_ADDRESS');
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  await runMigrations(databaseUrl);

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

  const temporalConnection = await Connection.connect({ address: temporalAddress });
  const temporal = new Client({ connection: temporalConnection, namespace });

  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let workerConnection: NativeConnection | undefined;
  if (opts.worker) {
    workerConnection = await NativeConnection.connect({ address: temporalAddress });
    const bundle = process.env.WARDEN_WORKFLOW_BUNDLE;
    worker = await createWardenWorker({
      connection: workerConnection,
      namespace,
      tenantId: DEFAULT_TENANT_ID,
      ...(bundle ? { workflowBundle: { codePath: bundle } } : {}),
      shutdownGraceTime: '1s',
    });
    workerRun = worker.run();
  }

  return {
    url,
    temporal,
    async call<T>(method: string, path: string, req: RequestOptions = {}): Promise<HttpResult<T>> {
      const headers: Record<string, string> = { ...req.headers };
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
      if (worker) {
        worker.shutdown();
        await workerRun;
      }
      await workerConnection?.close();
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
