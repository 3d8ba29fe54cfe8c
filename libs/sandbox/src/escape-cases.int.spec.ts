/**
 * The abuse cases of docs sandbox-escape-cases (all but 18, 19 and 23, which the broker and the
 * plugin registry own). Each asserts the contained outcome, then that another tenant's benign
 * plugin still runs on the same manager.
 */
import { SandboxManager } from './host/manager';
import { SANDBOX_GLOBALS } from './globals';
import type { SandboxJob } from './contract';
import { aBroker, aJob, aRecordingLogger, DOUBLER, failureOf, TEST_LIMITS } from './test-builders';

const broker = aBroker((request) => {
  if (request.url.endsWith('/never')) return new Promise(() => undefined);
  return { status: 200, headers: {}, body: '{"ok":true}', truncated: false };
});
const sandbox = new SandboxManager({ broker, logger: aRecordingLogger(), poolSize: { minIdle: 1, max: 2 } });
afterAll(() => sandbox.close());

const hostile = (code: string, overrides: Partial<SandboxJob> = {}): SandboxJob =>
  aJob(code, { tenantId: 'tenant-hostile', ...overrides });

let benignRuns = 0;
async function expectOtherTenantStillServed(): Promise<void> {
  const n = ++benignRuns;
  const result = await sandbox.execute(aJob(DOUBLER, { tenantId: 'tenant-benign', input: { n } }));
  expect(result.output).toEqual({ doubled: n * 2 });
}

async function outputOf(code: string, overrides: Partial<SandboxJob> = {}): Promise<unknown> {
  return (await sandbox.execute(hostile(code, overrides))).output;
}

describe('sandbox abuse cases', () => {
  it('1: constructor climbing finds no process, require or Buffer', async () => {
    const output = await outputOf(`exports.default = {
      async run() {
        const F = this.constructor.constructor;
        const global = Function('return this')();
        return {
          viaThis: F('return [typeof process, typeof require, typeof Buffer].join()')(),
          viaAsync: await (async () => {}).constructor('return [typeof process, typeof require, typeof Buffer].join()')(),
          viaGlobal: [typeof global.process, typeof global.require, typeof global.Buffer].join(),
        };
      },
    };`);
    const none = 'undefined,undefined,undefined';
    expect(output).toEqual({ viaThis: none, viaAsync: none, viaGlobal: none });
    await expectOtherTenantStillServed();
  });

  it('2: prepareStackTrace sees only isolate-local frames; host errors arrive as name and message', async () => {
    const output = (await outputOf(`module.exports = {
      async run(input, ctx) {
        const frames = [];
        Error.prepareStackTrace = (error, callSites) => {
          for (const site of callSites) {
            const self = site.getThis();
            const fn = site.getFunction();
            frames.push({
              file: String(site.getFileName()),
              leak: [
                self == null ? 'none' : self instanceof Object && typeof self.process === 'undefined' ? 'local' : 'foreign',
                fn == null ? 'none' : fn instanceof Function ? 'local' : 'foreign',
              ].join(),
            });
          }
          return 'trace';
        };
        void new Error('sync').stack;
        let hostError;
        try { await ctx.fetch('https://not-allowed.example/'); } catch (error) {
          void error.stack;
          hostError = { name: error.name, message: error.message, local: error instanceof Error, keys: Object.keys(error) };
        }
        return { files: [...new Set(frames.map((f) => f.file))], leaks: frames.map((f) => f.leak), hostError };
      },
    };`)) as { files: string[]; leaks: string[]; hostError: unknown };
    for (const file of output.files)
      expect(file).toMatch(/^(plugin:acme\.test|warden:bootstrap|undefined|null)$/);
    for (const leak of output.leaks) expect(leak).toMatch(/^(none|local),(none|local)$/);
    expect(output.hostError).toEqual({
      name: 'CapabilityDenied',
      message: 'host not-allowed.example is not allowed',
      local: true,
      keys: ['name'],
    });
    await expectOtherTenantStillServed();
  });

  it('3: an error from a capability is re-created inside; climbing it stays inside', async () => {
    const output = await outputOf(`module.exports = {
      async run(input, ctx) {
        try { await ctx.fetch('https://not-allowed.example/'); } catch (e) {
          return { sameRealm: e.constructor === Error, climbed: e.constructor.constructor('return typeof process')() };
        }
      },
    };`);
    expect(output).toEqual({ sameRealm: true, climbed: 'undefined' });
    await expectOtherTenantStillServed();
  });

  it('4: a Proxy or getters given to ctx.fetch are read once inside; the host uses its own copy', async () => {
    broker.requests.length = 0;
    const output = await outputOf(`module.exports = {
      async run(input, ctx) {
        let urlReads = 0;
        let methodReads = 0;
        let headerReads = 0;
        const url = { toString() { urlReads++; return urlReads === 1 ? 'https://api.example.com/checked' : 'https://evil.example/used'; } };
        const headers = new Proxy({}, {
          ownKeys: () => ['x-probe'],
          getOwnPropertyDescriptor: () => ({ enumerable: true, configurable: true, value: 'v' }),
          get: () => { headerReads++; return 'read-' + headerReads; },
        });
        const init = { get method() { methodReads++; return 'GET'; }, headers };
        await ctx.fetch(url, init);
        return [urlReads, methodReads, headerReads];
      },
    };`);
    expect(output).toEqual([1, 1, 1]);
    expect(broker.requests).toEqual([
      { url: 'https://api.example.com/checked', method: 'GET', headers: { 'x-probe': 'read-1' } },
    ]);
    const looping = await failureOf(
      sandbox.execute(
        hostile(`module.exports = { run: (i, ctx) => ctx.fetch(new Proxy({}, { get() { for (;;) {} } })) };`),
      ),
    );
    expect(looping.kind).toBe('timeout');
    await expectOtherTenantStillServed();
  });

  it('5: the globals equal the documented allowlist', async () => {
    const output = (await outputOf(`module.exports = {
      run(input, ctx) {
        return { globals: Object.getOwnPropertyNames(globalThis), symbols: Object.getOwnPropertySymbols(globalThis).length,
          ctx: Object.getOwnPropertyNames(ctx), ctxFrozen: Object.isFrozen(ctx) };
      },
    };`)) as { globals: string[]; symbols: number; ctx: string[]; ctxFrozen: boolean };
    expect([...output.globals].sort()).toEqual([...SANDBOX_GLOBALS].sort());
    expect(output.symbols).toBe(0);
    expect(output.ctx.sort()).toEqual(['config', 'fetch', 'log']);
    expect(output.ctxFrozen).toBe(true);
    await expectOtherTenantStillServed();
  });

  it('6: a returned __proto__ key pollutes nothing on the host', async () => {
    const output = await outputOf(`module.exports = {
      run: () => JSON.parse('{"__proto__":{"polluted":1},"a":{"constructor":{"prototype":{"polluted":2}}},"b":1}'),
    };`);
    expect(output).toEqual({ a: {}, b: 1 });
    expect(Object.prototype.hasOwnProperty.call(output, '__proto__')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expectOtherTenantStillServed();
  });

  it('7: getters and thenables of the result run inside, under the timeout', async () => {
    const looping = await failureOf(
      sandbox.execute(hostile('module.exports = { run: () => ({ get x() { for (;;) {} } }) };')),
    );
    expect(looping.kind).toBe('timeout');
    const thenable = await outputOf(
      `module.exports = { run: () => ({ then(resolve) { resolve({ settledInside: true }); } }) };`,
    );
    expect(thenable).toEqual({ settledInside: true });
    const never = await failureOf(
      sandbox.execute(hostile('module.exports = { run: () => ({ then() {} }) };')),
    );
    expect(never.kind).toBe('timeout');
    await expectOtherTenantStillServed();
  });

  it('8: an endless loop times out at the configured limit', async () => {
    const started = Date.now();
    const failure = await failureOf(sandbox.execute(hostile('module.exports = { run() { for (;;) {} } };')));
    expect(failure.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(TEST_LIMITS.timeoutMs + 1000);
    await expectOtherTenantStillServed();
  });

  it('9: endless microtasks are ended by the same timeout', async () => {
    const failure = await failureOf(
      sandbox.execute(
        hostile('module.exports = { run() { (async () => { for (;;) await null; })(); return 1; } };'),
      ),
    );
    expect(failure.kind).toBe('timeout');
    await expectOtherTenantStillServed();
  });

  it('10: a promise or capability call that never settles hits the wall deadline', async () => {
    const pending = await failureOf(
      sandbox.execute(hostile('module.exports = { run: () => new Promise(() => {}) };')),
    );
    expect(pending.kind).toBe('timeout');
    const stuckFetch = await failureOf(
      sandbox.execute(
        hostile(`module.exports = { run: (i, ctx) => ctx.fetch('https://api.example.com/never') };`),
      ),
    );
    expect(stuckFetch.kind).toBe('timeout');
    await expectOtherTenantStillServed();
  });

  it('11: many short bursts exhaust the cumulative CPU budget', async () => {
    const failure = await failureOf(
      sandbox.execute(
        hostile(
          `module.exports = { async run(i, ctx) {
            for (let n = 0; n < 100; n++) {
              const end = Date.now() + 40;
              while (Date.now() < end) {}
              await ctx.fetch('https://api.example.com/tick');
            }
          } };`,
          { limits: { ...TEST_LIMITS, timeoutMs: 3000, cpuBudgetMs: 200, maxFetches: 100 } },
        ),
      ),
    );
    expect(failure.kind).toBe('cpu');
    expect(failure.usage?.cpuMs).toBeGreaterThanOrEqual(200);
    await expectOtherTenantStillServed();
  });

  it('11: one synchronous stretch longer than the CPU budget fails with cpu, well before the time limit', async () => {
    const limits = { ...TEST_LIMITS, timeoutMs: 4000, cpuBudgetMs: 200 };
    const started = Date.now();
    const spin = await failureOf(
      sandbox.execute(hostile('module.exports = { run() { for (;;) {} } };', { limits })),
    );
    expect(spin.kind).toBe('cpu');
    expect(Date.now() - started).toBeLessThan(2000);
    // A plugin that spends more than its budget and then answers does not get its answer through.
    const late = await failureOf(
      sandbox.execute(
        hostile(
          'module.exports = { run() { const end = Date.now() + 600; while (Date.now() < end) {} return { ok: true }; } };',
          { limits },
        ),
      ),
    );
    expect(late.kind).toBe('cpu');
    expect(late.usage?.cpuMs).toBeGreaterThanOrEqual(200);
    await expectOtherTenantStillServed();
  });

  it('12: heap bombs fail with memory and the host survives', async () => {
    const limits = { ...TEST_LIMITS, timeoutMs: 5000, cpuBudgetMs: 5000 };
    const arrays = await failureOf(
      sandbox.execute(
        hostile('module.exports = { run() { const a = []; for (;;) a.push({ x: [1, 2, 3] }); } };', {
          limits,
        }),
      ),
    );
    expect(arrays).toMatchObject({ kind: 'memory' });
    const doubling = await failureOf(
      sandbox.execute(hostile('module.exports = { run() { let s = "x"; for (;;) s += s; } };', { limits })),
    );
    expect(doubling.kind).toBe('memory');
    await expectOtherTenantStillServed();
  });

  it('13: external memory (ArrayBuffers) is bounded by the isolate limit', async () => {
    const failure = await failureOf(
      sandbox.execute(
        hostile(
          'module.exports = { run() { const a = []; for (;;) a.push(new ArrayBuffer(8 * 1024 * 1024)); } };',
        ),
      ),
    );
    expect(failure.kind).toBe('memory');
    await expectOtherTenantStillServed();
  });

  it('14, 16, 21: WebAssembly, SharedArrayBuffer, Atomics and performance are absent', async () => {
    const output = await outputOf(`module.exports = { run: () => [
      typeof WebAssembly, typeof SharedArrayBuffer, typeof Atomics, typeof performance, typeof globalThis.WebAssembly,
    ] };`);
    expect(output).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
    const grow = await failureOf(
      sandbox.execute(
        hostile('module.exports = { run: () => new WebAssembly.Memory({ initial: 1 }).grow(16384) };'),
      ),
    );
    expect(grow).toMatchObject({
      kind: 'plugin-error',
      message: 'ReferenceError: WebAssembly is not defined',
    });
    await expectOtherTenantStillServed();
  });

  it('15: unbounded recursion is a stack error inside the plugin', async () => {
    const failure = await failureOf(
      sandbox.execute(hostile('module.exports = { run() { const f = () => f() + 1; return f(); } };')),
    );
    expect(failure).toMatchObject({
      kind: 'plugin-error',
      message: 'RangeError: Maximum call stack size exceeded',
    });
    await expectOtherTenantStillServed();
  });

  it('17: output and log caps are enforced', async () => {
    const big = await failureOf(
      sandbox.execute(
        hostile('module.exports = { run: () => "x".repeat(50 * 1024 * 1024) };', {
          limits: { ...TEST_LIMITS, memoryMb: 128, timeoutMs: 3000, cpuBudgetMs: 3000 },
        }),
      ),
    );
    expect(big.kind).toBe('output-too-large');
    const chatty = await sandbox.execute(
      hostile(
        'module.exports = { run(i, ctx) { for (let n = 0; n < 1e6; n++) ctx.log("line " + n); return "done"; } };',
        {
          limits: { ...TEST_LIMITS, timeoutMs: 3000, cpuBudgetMs: 3000 },
        },
      ),
    );
    expect(chatty.output).toBe('done');
    expect(chatty.logs).toHaveLength(TEST_LIMITS.maxLogLines);
    expect(chatty.logsTruncated).toBe(true);
    await expectOtherTenantStillServed();
  });

  it('20, 24: require, import, process and child_process are out of reach from the plugin', async () => {
    const output = await outputOf(`module.exports = {
      async run() {
        let imported;
        try { await import('fs'); imported = 'loaded'; } catch (error) { imported = 'refused'; }
        return { require: typeof require, process: typeof process, imported,
          binding: (() => { try { return typeof process.binding; } catch (e) { return e.name; } })() };
      },
    };`);
    expect(output).toEqual({
      require: 'undefined',
      process: 'undefined',
      imported: 'refused',
      binding: 'ReferenceError',
    });
    await expectOtherTenantStillServed();
  });

  it('22: inspect.custom, toJSON and toPrimitive only ever shape JSON text', async () => {
    const result = await sandbox.execute(
      hostile(`module.exports = { run(i, ctx) {
        const evil = {
          [Symbol.for('nodejs.util.inspect.custom')]() { return 'custom'; },
          [Symbol.toPrimitive]() { return 'primitive'; },
          toJSON() { return { shaped: true }; },
        };
        ctx.log(evil);
        return { evil };
      } };`),
    );
    expect(result.output).toEqual({ evil: { shaped: true } });
    expect(Object.getOwnPropertySymbols((result.output as { evil: object }).evil)).toEqual([]);
    expect(result.logs).toEqual([{ level: 'info', message: '{"shaped":true}' }]);
    await expectOtherTenantStillServed();
  });
});
