/**
 * The warm path of one sandbox process: contexts prepared ahead of the call (after the host's
 * `prepare`, or inline when calls come back to back), scripts compiled once per digest and the
 * code sent only when the child lacks it.
 */
import { SandboxManager } from './host/manager';
import { aBroker, aJob, aRecordingLogger, failureOf, TEST_LIMITS } from './test-builders';

// One process per tenant, never recycled here: every call below lands in the same isolate.
const sandbox = new SandboxManager({
  broker: aBroker(),
  logger: aRecordingLogger(),
  poolSize: { minIdle: 1, max: 1 },
  recycleAfter: 1000,
});
afterAll(() => sandbox.close());

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('warm sandbox calls', () => {
  it('give every invocation a fresh context, spaced or back to back', async () => {
    const code = `let calls = 0;
    module.exports = { run() {
      const seen = {
        calls: ++calls,
        global: typeof globalThis.leftover,
        inherited: typeof Object.prototype.leftover,
        json: JSON.stringify === JSON.stringify.original,
      };
      globalThis.leftover = 1;
      Object.prototype.leftover = 1;
      JSON.stringify.original = JSON.stringify;
      return seen;
    } };`;
    const fresh = { calls: 1, global: 'undefined', inherited: 'undefined', json: false };
    const tenantId = 'tenant-fresh';
    const outputs: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      await pause(20);
      outputs.push((await sandbox.execute(aJob(code, { tenantId }))).output);
    }
    // Back to back, each call usually arrives before the host's `prepare`: it prepares its own.
    for (let i = 0; i < 5; i++) outputs.push((await sandbox.execute(aJob(code, { tenantId }))).output);
    expect(outputs).toEqual(Array.from({ length: 8 }, () => fresh));
    expect(sandbox.stats()[tenantId]).toMatchObject({ size: 1 });
  });

  it('count logs per invocation, never carrying the count or a truncation into the next', async () => {
    const code = `module.exports = { run(input, ctx) {
      for (let i = 0; i < input.lines; i++) ctx.log('line ' + i);
      return input.lines;
    } };`;
    const tenantId = 'tenant-logs';
    const many = await sandbox.execute(
      aJob(code, { tenantId, input: { lines: TEST_LIMITS.maxLogLines + 5 } }),
    );
    expect(many.logs).toHaveLength(TEST_LIMITS.maxLogLines);
    expect(many.logsTruncated).toBe(true);
    const few = await sandbox.execute(aJob(code, { tenantId, input: { lines: 2 } }));
    expect(few.logs).toEqual([
      { level: 'info', message: 'line 0' },
      { level: 'info', message: 'line 1' },
    ]);
    expect(few.logsTruncated).toBe(false);
  });

  it('run several plugins in one process, each with its own code', async () => {
    const tenantId = 'tenant-many';
    const plugin = (k: number): string => `module.exports = { run: (input) => ({ k: ${k}, n: input.n }) };`;
    for (let round = 0; round < 2; round++) {
      for (let k = 0; k < 4; k++) {
        const result = await sandbox.execute(aJob(plugin(k), { tenantId, input: { n: round } }));
        expect(result.output).toEqual({ k, n: round });
      }
    }
  });

  it('fail a plugin that does not compile the same way every time (the child asks for the code again)', async () => {
    // The child keeps no script for a digest that failed to compile, while the host counts the
    // code as sent: the second run goes out without it and the child answers need-code.
    const tenantId = 'tenant-syntax';
    const broken = aJob('module.exports = { run() { return 1 +; } };', { tenantId });
    const first = await failureOf(sandbox.execute(broken));
    const second = await failureOf(sandbox.execute(broken));
    expect(first.kind).toBe('plugin-error');
    expect(first.message).toContain('Unexpected token');
    expect(second.kind).toBe(first.kind);
    expect(second.message).toBe(first.message);
    const fine = await sandbox.execute(aJob('module.exports = { run: () => 7 };', { tenantId }));
    expect(fine.output).toBe(7);
  });
});
