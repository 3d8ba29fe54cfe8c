import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { aWorkflow, startEngineHarness, type EngineHarness } from './engine-harness';

// Real servers and processes: Jest's 5 s default is too short (a project-level testTimeout is ignored).
jest.setTimeout(60_000);

interface Received {
  method: string;
  path: string;
  key: string | undefined;
  body: string;
}

/** A real HTTP server whose answers each test scripts by path. */
class Receiver {
  readonly received: Received[] = [];
  private readonly server: Server;
  private readonly routes = new Map<string, (attempt: number) => { status: number; body: unknown }>();

  constructor() {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? '/';
    const header = req.headers['idempotency-key'];
    this.received.push({
      method: req.method ?? '',
      path,
      key: Array.isArray(header) ? header[0] : header,
      body: Buffer.concat(chunks).toString('utf8'),
    });
    const route = this.routes.get(path);
    const attempt = this.received.filter((r) => r.path === path).length;
    return route ? route(attempt) : { status: 404, body: { error: 'no route' } };
  }

  route(path: string, answer: (attempt: number) => { status: number; body: unknown }): string {
    this.routes.set(path, answer);
    return `${this.url}${path}`;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  on(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }
}

let h: EngineHarness;
const receiver = new Receiver();

beforeAll(async () => {
  await receiver.listen();
  h = await startEngineHarness();
});

afterAll(async () => {
  await h?.close();
  await receiver.close();
});

describe('http steps', () => {
  test('a server that fails twice then succeeds: the step succeeds on attempt 3 with one idempotency key', async () => {
    const url = receiver.route('/flaky', (attempt) =>
      attempt <= 2 ? { status: 503, body: { retry: true } } : { status: 200, body: { ok: true, attempt } },
    );
    const def = aWorkflow([
      {
        id: 'call',
        type: 'http',
        method: 'POST',
        url: '{{ inputs.url }}',
        headers: { 'x-run': '{{ run.id }}' },
        body: { who: '{{ inputs.who }}', n: 1 },
        retry: { attempts: 3, delay: 0.2, backoff: 1 },
      },
      {
        id: 'use',
        type: 'transform',
        depends_on: ['call'],
        output: { attempt: '{{ steps.call.outputs.body.attempt }}' },
      },
    ]);
    const run = await h.start(def, { url, who: 'Ada' });
    const state = await run.finalState();
    expect(state.status).toBe('succeeded');
    expect(state.steps.call).toMatchObject({
      status: 'succeeded',
      attempts: 3,
      outputs: { status: 200, body: { ok: true, attempt: 3 } },
    });
    expect(state.steps.use.outputs).toEqual({ attempt: 3 });

    const calls = receiver.on('/flaky');
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.key))).toEqual(new Set([`${run.runId}:call`]));
    expect(calls.every((c) => c.method === 'POST')).toBe(true);
    expect(JSON.parse(calls[0].body)).toEqual({ who: 'Ada', n: 1 });
  });

  test('a 4xx answer is not retried and fails the step with its status and body', async () => {
    const url = receiver.route('/missing', () => ({ status: 404, body: { error: 'nope' } }));
    const def = aWorkflow([{ id: 'get', type: 'http', url, retry: { attempts: 3, delay: 0.2 } }]);
    const state = await (await h.start(def)).finalState();
    expect(state.status).toBe('failed');
    expect(state.steps.get).toMatchObject({
      status: 'failed',
      error: { code: 'http_status' },
      outputs: { status: 404, body: { error: 'nope' } },
    });
    expect(receiver.on('/missing')).toHaveLength(1);
  });

  test('expected_status accepts a listed non-2xx answer', async () => {
    const url = receiver.route('/created-elsewhere', () => ({ status: 409, body: { exists: true } }));
    const def = aWorkflow([{ id: 'put', type: 'http', method: 'PUT', url, expected_status: [200, 409] }]);
    const state = await (await h.start(def)).finalState();
    expect(state.steps.put).toMatchObject({
      status: 'succeeded',
      outputs: { status: 409, body: { exists: true } },
    });
  });

  test('the restricted profile refuses http steps before any request', async () => {
    const url = receiver.route('/restricted', () => ({ status: 200, body: {} }));
    const def = aWorkflow([{ id: 'get', type: 'http', url }]);
    const state = await (await h.start(def, {}, 'restricted')).finalState();
    expect(state.steps.get.error?.code).toBe('profile_violation');
    expect(receiver.on('/restricted')).toHaveLength(0);
  });
});
