import { spawn, type ChildProcess } from 'node:child_process';
import { KeyRing, LocalKeyProvider } from '@warden/crypto';
import { createDataSource, PostgresDataKeyStore, prepareDatabase } from '@warden/persistence';
import { Client } from 'pg';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { aWorkflow, startEngineHarness, type EngineHarness, type StartedRun } from './engine-harness';

// Real servers and processes: Jest's 5 s default is too short (a project-level testTimeout is ignored).
jest.setTimeout(90_000);

const RUNS = 5;
const HOLD_MS = 3000;
const ROOT = join(__dirname, '..');

/**
 * An idempotent receiver: it applies each Idempotency-Key once, answers repeats from what it
 * stored, and holds every answer ~3 s so the worker can be killed while steps are in flight.
 */
class IdempotentReceiver {
  /** Requests seen per key, repeats included. */
  readonly requests = new Map<string, number>();
  /** Keys in the order their effect was applied; a key changing between attempts shows up twice. */
  readonly applied: string[] = [];
  private readonly server: Server = createServer((req, res) => {
    const key = String(req.headers['idempotency-key'] ?? 'missing');
    const repeat = this.requests.has(key);
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    if (!repeat) this.applied.push(key);
    const timer = setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ key, repeat }));
    }, HOLD_MS);
    req.on('close', () => {
      if (!res.writableEnded) clearTimeout(timer);
    });
  });

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/apply`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const workers: ChildProcess[] = [];

/** The real worker app as a child process; resolves once it logs that it is polling. */
function spawnWorker(h: EngineHarness, output: string[]): Promise<ChildProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(ROOT, 'apps/worker/src/main.ts'), '--tenant', tenantSlug],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: h.target.address,
        WARDEN_MASTER_KEY: masterKey.toString('base64'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // Tracked at once, so afterAll stops it even when the test gives up while it starts.
  workers.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${output.join('')}`)), 60_000);
    child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      output.push(c.toString());
      if (c.toString().includes('worker polling')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${output.join('')}`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

let h: EngineHarness;
let keyStoreDb: DataSource;
/** The worker processes' master key: the harness reads what they encrypted with the same keys. */
const masterKey = randomBytes(32);
const tenantSlug = `failover-${randomUUID().slice(0, 8)}`;
const receiver = new IdempotentReceiver();

beforeAll(async () => {
  await receiver.listen();
  // The worker finds its tenant by slug in the tenants table, as in production.
  const tenantId = randomUUID();
  // This file may run first: the database gets its schema here, as every API start does.
  await prepareDatabase(process.env.DATABASE_URL!);
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  try {
    await db.query(`INSERT INTO tenants (id, slug, name) VALUES ($1, $2, 'Failover tests')`, [
      tenantId,
      tenantSlug,
    ]);
  } finally {
    await db.end();
  }
  keyStoreDb = await createDataSource(process.env.DATABASE_URL!, { poolSize: 2 }).initialize();
  const keyRing = new KeyRing({
    provider: new LocalKeyProvider(masterKey),
    store: new PostgresDataKeyStore(keyStoreDb),
  });
  h = await startEngineHarness({ withWorker: false, tenantId, keyRing });
});

afterAll(async () => {
  for (const w of workers) {
    if (w.exitCode === null && w.signalCode === null) w.kill('SIGTERM');
    await exited(w);
  }
  await h?.close();
  await keyStoreDb?.destroy();
  await receiver.close();
});

test('SIGKILL of the worker mid-step: a new worker completes every run, each key applied once', async () => {
  const output: string[] = [];
  const first = await spawnWorker(h, output);

  const def = aWorkflow([
    { id: 'prepare', type: 'transform', output: { n: '{{ inputs.n }}' } },
    {
      id: 'apply',
      type: 'http',
      method: 'POST',
      url: receiver.url,
      body: { n: '{{ inputs.n }}' },
      depends_on: ['prepare'],
    },
    { id: 'after', type: 'noop', depends_on: ['apply'] },
  ]);
  const runs: StartedRun[] = [];
  for (let n = 0; n < RUNS; n++) runs.push(await h.start(def, { n }));
  const keys = runs.map((r) => `${r.runId}:apply`);

  // Every run is inside its http step, the receiver holding the answers: kill the worker now.
  const deadline = Date.now() + 30_000;
  while (!keys.every((k) => receiver.requests.has(k))) {
    if (Date.now() > deadline) throw new Error(`steps never reached the receiver: ${output.join('')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  first.kill('SIGKILL');
  await exited(first);

  await spawnWorker(h, output);
  const states = await Promise.all(runs.map((r) => r.finalState()));

  states.forEach((state, i) => {
    expect(state.status).toBe('succeeded');
    expect(state.steps.after.status).toBe('succeeded');
    // The answer the run kept came from the repeated request, made by the second worker.
    expect(state.steps.apply.outputs.body).toEqual({ key: keys[i], repeat: true });
  });
  // Each run's effect applied exactly once: the same key on both workers, no other key seen.
  expect([...receiver.applied].sort()).toEqual([...keys].sort());
  for (const key of keys) expect(receiver.requests.get(key)).toBeGreaterThanOrEqual(2);
});

test('SIGTERM drains: the step in flight finishes on the stopping worker, the next worker goes on', async () => {
  const output: string[] = [];
  const worker = await spawnWorker(h, output);
  const def = aWorkflow([
    { id: 'apply', type: 'http', method: 'POST', url: receiver.url, body: { drain: true } },
    { id: 'after', type: 'noop', depends_on: ['apply'] },
  ]);
  const run = await h.start(def);
  const key = `${run.runId}:apply`;
  while (!receiver.requests.has(key)) await new Promise((r) => setTimeout(r, 50));

  worker.kill('SIGTERM');
  await exited(worker);
  expect(worker.exitCode).toBe(0);
  expect(output.join('')).toContain('worker stopped');

  await spawnWorker(h, output);
  const state = await run.finalState();
  expect(state.status).toBe('succeeded');
  // Answered on the first request: the stopping worker waited for it instead of abandoning it.
  expect(state.steps.apply.outputs.body).toEqual({ key, repeat: false });
  expect(receiver.requests.get(key)).toBe(1);
});
