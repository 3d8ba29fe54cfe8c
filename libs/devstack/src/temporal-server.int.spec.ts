import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { resolveTemporalCli, type ResolvedTemporalCli } from './temporal-cli';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-server';

const run = promisify(execFile);
let cli: ResolvedTemporalCli;
let scratch: string;
const running: TemporalDevServer[] = [];

beforeAll(async () => {
  cli = await resolveTemporalCli();
  scratch = await mkdtemp(join(tmpdir(), 'warden-temporal-'));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()));
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function start(dataDir?: string, ui = false): Promise<TemporalDevServer> {
  const server = await startTemporalDevServer({ cli, dataDir, ui });
  running.push(server);
  return server;
}

async function stop(server: TemporalDevServer): Promise<void> {
  running.splice(running.indexOf(server), 1);
  await server.stop();
}

async function withClient<T>(address: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await fn(new Client({ connection, namespace: 'default' }));
  } finally {
    await connection.close();
  }
}

/** Starts a workflow that no worker serves (it simply stays open) and terminates another. */
async function recordRuns(address: string): Promise<void> {
  await withClient(address, async (client) => {
    await client.workflow.start('neverServed', { taskQueue: 'nobody-polls', workflowId: 'kept-open' });
    const done = await client.workflow.start('neverServed', {
      taskQueue: 'nobody-polls',
      workflowId: 'kept-closed',
    });
    await done.terminate('test');
  });
  if (!('path' in cli)) throw new Error('this test needs a local Temporal CLI');
  await run(cli.path, [
    'operator',
    'namespace',
    'create',
    '--namespace',
    'kept-namespace',
    '--address',
    address,
  ]);
}

async function statusOf(address: string, workflowId: string): Promise<string> {
  return withClient(
    address,
    async (client) => (await client.workflow.getHandle(workflowId).describe()).status.name,
  );
}

describe('startTemporalDevServer', () => {
  it('keeps runs and namespaces across a restart when given a data folder', async () => {
    const dataDir = join(scratch, 'file-backed');
    const first = await start(dataDir);
    await recordRuns(first.address);
    await stop(first);

    const second = await start(dataDir);
    expect(await statusOf(second.address, 'kept-open')).toBe('RUNNING');
    expect(await statusOf(second.address, 'kept-closed')).toBe('TERMINATED');
    const connection = await Connection.connect({ address: second.address });
    try {
      const described = await connection.workflowService.describeNamespace({ namespace: 'kept-namespace' });
      expect(described.namespaceInfo?.name).toBe('kept-namespace');
    } finally {
      await connection.close();
    }
  });

  it('forgets everything on restart without a data folder', async () => {
    const first = await start();
    await recordRuns(first.address);
    await stop(first);

    const second = await start();
    await expect(statusOf(second.address, 'kept-open')).rejects.toThrow(/not found/i);
  });

  it('serves the Web UI when asked', async () => {
    const server = await start(undefined, true);
    expect(server.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(server.uiUrl!);
    expect(response.status).toBe(200);
  });

  it('fails with the server output when the server cannot start', async () => {
    const attempt = startTemporalDevServer({ cli, extraArgs: ['--no-such-flag'] });
    await expect(attempt).rejects.toMatchObject({ code: 'TEMPORAL_SERVER_START_FAILED' });
    await expect(attempt).rejects.toThrow(/unknown flag: --no-such-flag/);
  });
});
