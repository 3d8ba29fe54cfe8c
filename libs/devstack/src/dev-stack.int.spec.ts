import { createServer, type Server } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { startDevStack, type ServiceContext, type ServiceSpec } from './dev-stack';
import { freePort } from './ports';
import { createTestDatabase, type TestDatabase } from './test-database';

// A small real HTTP service standing in for the API: ready on /readyz, shows its env and pid.
const SERVICE = `
const http = require('node:http');
http.createServer((req, res) => {
  if (req.url === '/env') return res.end(JSON.stringify(process.env));
  if (req.url === '/pid') return res.end(String(process.pid));
  res.end('ok');
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
`;

function service(ctx: ServiceContext, script = SERVICE): ServiceSpec {
  return {
    name: 'svc',
    command: process.execPath,
    args: ['-e', script],
    env: {
      PATH: process.env.PATH,
      PORT: String(ctx.apiPort),
      DATABASE_URL: ctx.databaseUrl,
      TEMPORAL_ADDRESS: ctx.temporalAddress,
    },
    readyUrl: `http://127.0.0.1:${ctx.apiPort}/readyz`,
  };
}

async function occupy(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return { port: address.port, server };
}

let database: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'warden-devstack-'));
});

afterAll(async () => {
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('startDevStack', () => {
  it('starts Temporal and the services, wires them, guards its folder, reports a death, stops it all', async () => {
    const taken = await occupy();
    const lines: string[] = [];
    try {
      const stack = await startDevStack({
        dataDir,
        env: { DATABASE_URL: database.url },
        // The preferred gRPC and API ports are busy: both fall back to free ones.
        ports: { temporal: taken.port, temporalUi: await freePort(), api: taken.port },
        services: (ctx) => [service(ctx)],
        onProgress: (line) => lines.push(line),
        log: (source, line) => lines.push(`[${source}] ${line}`),
      });
      const { summary } = stack;
      expect(summary.temporalAddress).not.toBe(`127.0.0.1:${taken.port}`);
      expect(summary.apiUrl).not.toBe(`http://127.0.0.1:${taken.port}`);
      expect(summary.databaseSource).toBe('env');
      expect(lines).toContain('[svc] listening');

      const env = (await (await fetch(`${summary.apiUrl}/env`)).json()) as Record<string, string>;
      expect(env.DATABASE_URL).toBe(database.url);
      expect(env.TEMPORAL_ADDRESS).toBe(summary.temporalAddress);
      expect((await fetch(summary.temporalUiUrl!)).status).toBe(200);
      // The Web UI decrypts payloads through the API's codec endpoint.
      const settings = (await (await fetch(`${summary.temporalUiUrl!}/api/v1/settings`)).json()) as {
        Codec: { Endpoint: string };
      };
      expect(settings.Codec.Endpoint).toBe(`${summary.apiUrl}/v1/codec`);

      const second = startDevStack({
        dataDir,
        services: () => [],
        onProgress: () => undefined,
        log: () => undefined,
      });
      await expect(second).rejects.toMatchObject({ code: 'DATA_DIR_IN_USE' });

      const pid = Number(await (await fetch(`${summary.apiUrl}/pid`)).text());
      process.kill(pid, 'SIGKILL');
      await expect(stack.unexpectedExit).resolves.toBe('svc was killed by SIGKILL');

      await stack.stop();
      await expect(
        Connection.connect({ address: summary.temporalAddress, connectTimeout: '1s' }),
      ).rejects.toThrow();
    } finally {
      taken.server.close();
    }
  });

  it('fails, naming the service and its output, when a service dies before it is ready, and stops Temporal', async () => {
    const lines: string[] = [];
    const attempt = startDevStack({
      dataDir,
      env: { DATABASE_URL: database.url },
      ports: { temporal: await freePort(), temporalUi: await freePort(), api: await freePort() },
      services: (ctx) => [service(ctx, "console.error('boom: missing config'); process.exit(3)")],
      onProgress: (line) => lines.push(line),
      log: () => undefined,
    });
    await expect(attempt).rejects.toMatchObject({ code: 'SERVICE_NOT_READY' });
    await expect(attempt).rejects.toThrow(
      /svc exited before it was ready; its last output:\nboom: missing config/,
    );
    const address = lines.find((l) => l.startsWith('Temporal: dev server on '))?.split(' ')[4];
    expect(address).toBeDefined();
    await expect(Connection.connect({ address: address!, connectTimeout: '1s' })).rejects.toThrow();
  });
});
