import { Registry } from 'prom-client';
import { SandboxManager } from './host/manager';
import { aBroker, aJob, aRecordingLogger, DOUBLER, failureOf, TEST_LIMITS } from './test-builders';

describe('SandboxManager', () => {
  const logger = aRecordingLogger();
  const registry = new Registry();
  const broker = aBroker(() => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"v":7}',
    truncated: false,
  }));
  const sandbox = new SandboxManager({
    broker,
    logger,
    metrics: registry,
    recycleAfter: 3,
    poolSize: { minIdle: 1, max: 2 },
  });
  afterAll(() => sandbox.close());

  it('runs a plugin with input, config, ctx.log and ctx.fetch, under bubblewrap', async () => {
    const code = `exports.default = {
      async run(input, ctx) {
        ctx.log('warn', 'starting', { n: input.n });
        ctx.log('plain message');
        const response = await ctx.fetch('https://api.example.com/v', { headers: { accept: 'application/json' } });
        return { sum: input.n + ctx.config.add, fetched: response.json().v, ok: response.ok };
      },
    };`;
    const result = await sandbox.execute(
      aJob(code, {
        input: { n: 2 },
        config: { add: 3 },
        plugin: {
          ...aJob(code).plugin,
          outputSchema: { type: 'object', required: ['sum'], properties: { sum: { type: 'number' } } },
        },
      }),
    );
    expect(result.output).toEqual({ sum: 5, fetched: 7, ok: true });
    expect(result.logs).toEqual([
      { level: 'warn', message: 'starting {"n":2}' },
      { level: 'info', message: 'plain message' },
    ]);
    expect(result.capabilitiesUsed).toEqual(['fetch:api.example.com']);
    expect(result.unconfined).toBe(false);
    expect(result.usage.wallMs).toBeGreaterThan(0);
    expect(broker.requests.at(-1)).toEqual({
      url: 'https://api.example.com/v',
      method: 'GET',
      headers: { accept: 'application/json' },
    });
    const metrics = await registry.getSingleMetricAsString('warden_sandbox_executions_total');
    expect(metrics).toContain('outcome="success"');
  });

  it('fails with invalid-output when the output does not match the schema', async () => {
    const job = aJob('module.exports = { run: () => ({ count: "three" }) };');
    job.plugin.outputSchema = { type: 'object', properties: { count: { type: 'integer' } } };
    const failure = await failureOf(sandbox.execute(job));
    expect(failure.kind).toBe('invalid-output');
    expect(failure.message).toContain('output/count must be integer');
  });

  it('reports a thrown error as plugin-error with only its name and message', async () => {
    const failure = await failureOf(
      sandbox.execute(aJob('module.exports = { run() { throw new TypeError("bad input"); } };')),
    );
    expect(failure.kind).toBe('plugin-error');
    expect(failure.message).toBe('TypeError: bad input');
  });

  it('kills the process when the job is cancelled', async () => {
    await sandbox.execute(aJob(DOUBLER, { tenantId: 'tenant-cancel', input: { n: 1 } }));
    const controller = new AbortController();
    const running = sandbox.execute(
      aJob('module.exports = { run() { return new Promise(() => {}); } };', {
        tenantId: 'tenant-cancel',
        signal: controller.signal,
        limits: { ...TEST_LIMITS, timeoutMs: 20_000 },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = sandbox.stats()['tenant-cancel']!;
    expect(before.busy).toBe(1);
    controller.abort();
    const failure = await failureOf(running);
    expect(failure.kind).toBe('cancelled');
    const again = await sandbox.execute(aJob(DOUBLER, { tenantId: 'tenant-cancel', input: { n: 4 } }));
    expect(again.output).toEqual({ doubled: 8 });
  });

  it('replaces a process after recycleAfter invocations', async () => {
    const pidOf = 'module.exports = { run: () => Math.random() };';
    const tenantId = 'tenant-recycle';
    await sandbox.warm(tenantId, TEST_LIMITS.memoryMb);
    const pids = new Set<number | undefined>();
    const capture = (): void => {
      for (const process of (
        sandbox as unknown as { pools: Map<string, { live: Set<{ pid?: number }> }> }
      ).pools
        .get(tenantId)!
        .live.values())
        pids.add(process.pid);
    };
    for (let i = 0; i < 7; i++) {
      await sandbox.execute(aJob(pidOf, { tenantId }));
      capture();
    }
    // 7 runs with recycleAfter 3 need at least three different processes.
    expect(pids.size).toBeGreaterThanOrEqual(3);
  });

  it('keeps one pool per tenant', async () => {
    await sandbox.execute(aJob(DOUBLER, { tenantId: 'tenant-x', input: { n: 1 } }));
    await sandbox.execute(aJob(DOUBLER, { tenantId: 'tenant-y', input: { n: 1 } }));
    const stats = sandbox.stats();
    expect(stats['tenant-x']!.size).toBeGreaterThanOrEqual(1);
    expect(stats['tenant-y']!.size).toBeGreaterThanOrEqual(1);
  });
});

describe('SandboxManager without bubblewrap', () => {
  it('falls back to a plain child process, says so loudly, and marks results unconfined', async () => {
    const logger = aRecordingLogger();
    const sandbox = new SandboxManager({ broker: aBroker(), logger, bwrapPath: '/nonexistent/bwrap' });
    try {
      const result = await sandbox.execute(aJob(DOUBLER, { input: { n: 21 } }));
      expect(result.output).toEqual({ doubled: 42 });
      expect(result.unconfined).toBe(true);
      expect(
        logger.lines.some((line) => line.level === 'warn' && line.message.includes('WITHOUT OS isolation')),
      ).toBe(true);
    } finally {
      sandbox.close();
    }
  });

  it('refuses to run when the policy requires the OS sandbox', async () => {
    const sandbox = new SandboxManager({
      broker: aBroker(),
      logger: aRecordingLogger(),
      bwrapPath: '/nonexistent/bwrap',
      requireOsSandbox: true,
    });
    try {
      const failure = await failureOf(sandbox.execute(aJob(DOUBLER, { input: { n: 1 } })));
      expect(failure.kind).toBe('sandbox-unavailable');
    } finally {
      sandbox.close();
    }
  });

  it("refuses one tenant's job whose policy requires the OS sandbox, and runs another tenant's", async () => {
    const sandbox = new SandboxManager({
      broker: aBroker(),
      logger: aRecordingLogger(),
      bwrapPath: '/nonexistent/bwrap',
    });
    try {
      const strict = await failureOf(
        sandbox.execute(
          aJob(DOUBLER, { tenantId: 'strict-tenant', input: { n: 1 }, requireOsSandbox: true }),
        ),
      );
      expect(strict.kind).toBe('sandbox-unavailable');
      expect(strict.message).toMatch(/policy requires the OS sandbox/);
      const relaxed = await sandbox.execute(aJob(DOUBLER, { tenantId: 'relaxed-tenant', input: { n: 2 } }));
      expect(relaxed).toMatchObject({ output: { doubled: 4 }, unconfined: true });
    } finally {
      sandbox.close();
    }
  });
});
