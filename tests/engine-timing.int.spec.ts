import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  aWorkflow,
  groupAlive,
  shellStep,
  startEngineHarness,
  waitForState,
  type EngineHarness,
} from './engine-harness';

// Real servers and processes: Jest's 5 s default is too short (a project-level testTimeout is ignored).
jest.setTimeout(60_000);

let h: EngineHarness;

beforeAll(async () => {
  h = await startEngineHarness();
});

afterAll(async () => {
  await h?.close();
});

/** Reads the pid a step wrote, and removes the file. */
async function pidIn(file: string): Promise<number> {
  const pid = Number((await readFile(file, 'utf8')).trim());
  await rm(file, { force: true });
  return pid;
}

function ms(iso: string | undefined): number {
  if (iso === undefined) throw new Error('missing timestamp');
  return Date.parse(iso);
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe('scheduling, timeouts and cancellation', () => {
  test('a diamond runs its two middle steps at the same time', async () => {
    const def = aWorkflow([
      { id: 'start', type: 'noop' },
      shellStep('left', 'sleep 1', { depends_on: ['start'] }),
      shellStep('right', 'sleep 1', { depends_on: ['start'] }),
      { id: 'join', type: 'noop', depends_on: ['left', 'right'] },
    ]);
    const state = await (await h.start(def)).finalState();
    expect(state.status).toBe('succeeded');
    const { left, right, join: joined } = state.steps;
    const overlapMs =
      Math.min(ms(left.finishedAt), ms(right.finishedAt)) - Math.max(ms(left.startedAt), ms(right.startedAt));
    // Run one after the other they would overlap by nothing; together by about a second.
    expect(overlapMs).toBeGreaterThan(700);
    expect(ms(joined.startedAt)).toBeGreaterThanOrEqual(Math.max(ms(left.finishedAt), ms(right.finishedAt)));
  });

  test('a step that outlives its timeout fails with a timeout error and its process group is killed', async () => {
    const pidFile = join(tmpdir(), `warden-timeout-${randomUUID()}.pid`);
    const def = aWorkflow([
      shellStep('slow', `echo $$ > ${pidFile}; sleep 30 & wait`, { shell: 'bash', timeout: 2 }),
      { id: 'after', type: 'noop', depends_on: ['slow'] },
    ]);
    const started = Date.now();
    const state = await (await h.start(def)).finalState();
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(state.status).toBe('failed');
    expect(state.steps.slow).toMatchObject({ status: 'failed', error: { code: 'timeout' } });
    expect(state.steps.after.status).toBe('skipped');
    const pid = await pidIn(pidFile);
    expect(await waitUntil(async () => !(await groupAlive(pid)), 5000)).toBe(true);
  });

  test('cancelling a running run kills its process and records the run as cancelled', async () => {
    const pidFile = join(tmpdir(), `warden-cancel-${randomUUID()}.pid`);
    const def = aWorkflow([
      shellStep('long', `echo $$ > ${pidFile}; sleep 30`, { shell: 'bash' }),
      { id: 'never', type: 'noop', depends_on: ['long'] },
    ]);
    const run = await h.start(def);
    await waitForState(run, (s) => s.steps.long.status === 'running');
    expect(await waitUntil(() => existsSync(pidFile), 10_000)).toBe(true);
    const pid = await pidIn(pidFile);
    expect(await groupAlive(pid)).toBe(true);

    const cancelledAt = Date.now();
    await run.handle.cancel();
    const state = await run.finalState();
    expect((await run.handle.describe()).status.name).toBe('CANCELLED');
    expect(state.status).toBe('cancelled');
    expect(state.steps.long.status).toBe('cancelled');
    expect(state.steps.never.status).toBe('skipped');
    // The workflow waits for the activity to confirm, so the process is gone by now.
    expect(await groupAlive(pid)).toBe(false);
    expect(Date.now() - cancelledAt).toBeLessThan(10_000);
  });
});
