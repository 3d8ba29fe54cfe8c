/**
 * `npm run bench:sandbox`: what the plugin sandbox costs, each figure against a baseline measured
 * in the same run.
 *
 *  1. per call: a trivial plugin through a warm tenant pool (IPC to a bubblewrap'd process, a
 *     fresh isolated-vm context, output parsed and validated), against a naive baseline that
 *     spawns a plain Node child process per call; the same with a 60 KB plugin (its code crosses
 *     to the process once, not per call); and calls 40 ms apart, as one-step runs make them,
 *     against a bare pipe round trip to an echoing child at the same spacing;
 *  2. cold pool: a new tenant's pool start (it takes the worker's spare process), against booting
 *     a sandbox process from nothing;
 *  3. workflow shape: plugin steps against built-in transform steps (workflow code) and http
 *     steps (activities) in the same workflow, one step and a chain of five (which runs as one
 *     local activity, decision 0007; and, given a `timeout` each, as five), on a real Temporal
 *     dev server. Each run is timed twice: end to end (start request to result, as a client sees
 *     it) and on the worker (from the first workflow task's start to the run's close, server
 *     timestamps from the history), which leaves out the server's dispatch and the client.
 *  4. the SDK floor, interleaved with 3: a bare Temporal workflow (floor-workflows.ts) awaiting
 *     one no-op local activity against the same workflow returning at once. It is what a plugin
 *     step costs before any Warden code runs; the rest of the step's extra time is Warden's.
 *
 * The worker's plugin host here serves one verified plugin from memory and writes no audit row;
 * the real one reads the registry once per 30 s and appends one audit row per execution.
 * Environment: BENCH_CALLS [2000], BENCH_RUNS [100], TEMPORAL_ADDRESS (else a dev server starts),
 * BENCH_ONLY_CALLS=1 (measures 1 and 2 only: no Temporal).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  makeTelemetryFilterString,
} from '@temporalio/worker';
import { parseWorkflow } from '@warden/definition';
import { startTemporalDevServer } from '@warden/devstack';
import {
  WARDEN_WORKFLOW_TYPE,
  createWardenWorker,
  taskQueueFor,
  temporalWorkflowIdFor,
  type LoadedPlugin,
  type PluginHost,
  type PluginPin,
  type RunArgs,
} from '@warden/engine';
import { compilePluginSource } from '@warden/plugins';
import { DEFAULT_SANDBOX_LIMITS, SandboxManager, createFetchBroker, type SandboxJob } from '@warden/sandbox';
import { median, medianInterval, medianRatioInterval, percentile, type Interval } from './stats';
import { log, positiveInt } from './bench-env';
import type { FloorActivities } from './floor-workflows';

const CALLS = positiveInt('BENCH_CALLS', 2000);
const RUNS = positiveInt('BENCH_RUNS', 100);
const COLD_STARTS = 10;
const NAIVE_CALLS = 20;
/** About how far apart a worker's plugin steps reach the sandbox when each run has one. */
const IDLE_SPACING_MS = 40;
/** Workflow shapes: one step (the issue's comparison) and a chain of five. */
const SHAPES = [1, 5] as const;

const TARGETS = { perCallMs: 0.5, coldStartMs: 50, stepRatio: 1.2 };

const PLUGIN_SOURCE = 'export default { run(input) { return { n: (input.n ?? 0) + 1 } } }';
/** The same plugin carrying 60 KB of data, as a plugin with a bundled library or table would. */
const LARGE_PLUGIN_SOURCE = `const TABLE = '${'x'.repeat(60_000)}';
export default { run(input) { return { n: (input.n ?? 0) + (TABLE.length > 0 ? 1 : 0) } } }`;
const OUTPUT_SCHEMA = { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] };

const quiet = {
  info: () => undefined,
  warn: (m: string) => log(`  warn: ${m}`),
  error: (m: string) => log(`  error: ${m}`),
};

const ms = (v: number): string => `${v.toFixed(3)} ms`;
/** `1.23x [1.10, 1.31]`: an estimate and its 95% bootstrap interval (stats.ts). */
const within = (i: Interval, digits: number, unit: string): string =>
  `${i.estimate.toFixed(digits)}${unit} [${i.low.toFixed(digits)}, ${i.high.toFixed(digits)}]`;
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');

function jobFor(tenantId: string, code: string, n: number, digest = 'bench-increment'): SandboxJob {
  return {
    tenantId,
    plugin: {
      id: 'bench.increment',
      version: '1.0.0',
      digest,
      code,
      outputSchema: OUTPUT_SCHEMA,
    },
    input: { n },
    config: {},
    limits: DEFAULT_SANDBOX_LIMITS,
    capabilities: { allowedHosts: [], credentials: [] },
  };
}

/** The naive design: a fresh Node process per call, running the plugin in node:vm. */
function naiveCall(code: string, n: number): Promise<void> {
  const script =
    `const vm=require('node:vm');const m={exports:{}};vm.runInNewContext(${JSON.stringify(code)},{module:m,exports:m.exports});` +
    `const p=(m.exports.default??m.exports);Promise.resolve(p.run(${JSON.stringify({ n })})).then(o=>process.stdout.write(JSON.stringify(o)))`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 && JSON.parse(out).n === n + 1 ? resolve() : reject(new Error(`naive call failed: ${out}`)),
    );
  });
}

/**
 * A bare round trip over pipes to a Node child that echoes each line back, timed like the plugin
 * calls: what two processes waking each other cost on this machine, before any sandbox work.
 */
async function pipeRoundTrips(count: number, pauseMs: number): Promise<number[]> {
  const child = spawn(
    process.execPath,
    ['-e', "process.stdin.setEncoding('utf8');process.stdin.on('data',(d)=>process.stdout.write(d))"],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  child.stdout.setEncoding('utf8');
  let answered = (): void => undefined;
  child.stdout.on('data', () => answered());
  const roundTrip = (): Promise<void> =>
    new Promise((resolve) => {
      answered = resolve;
      child.stdin.write('{"t":"run"}\n');
    });
  try {
    await timeEach(100, roundTrip);
    return await timeEach(count, roundTrip, pauseMs);
  } finally {
    child.kill();
  }
}

/** Times `call` `count` times, one after the other, each after an untimed pause of `pauseMs`. */
async function timeEach(count: number, call: (i: number) => Promise<void>, pauseMs = 0): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    const t0 = performance.now();
    await call(i);
    samples.push(performance.now() - t0);
  }
  return samples;
}

async function sandboxFigures(
  sandbox: SandboxManager,
  bootOnly: SandboxManager,
  code: string,
  largeCode: string,
): Promise<void> {
  const tenant = randomUUID();
  await sandbox.warm(tenant);
  await timeEach(200, (i) => sandbox.execute(jobFor(tenant, code, i)).then(() => undefined));
  const call = async (i: number): Promise<void> => {
    const { output } = await sandbox.execute(jobFor(tenant, code, i));
    if ((output as { n: number }).n !== i + 1) throw new Error('wrong plugin output');
  };
  const backToBack = await timeEach(CALLS, call);
  // Steps of a workflow reach the sandbox a few milliseconds apart, not back to back; one step
  // per run, as in part 3, about 40 ms apart, when both processes have gone idle in between.
  const spaced = await timeEach(CALLS / 4, call, 2);
  const idleSpaced = await timeEach(CALLS / 8, call, IDLE_SPACING_MS);
  const pipeIdle = await pipeRoundTrips(CALLS / 8, IDLE_SPACING_MS);
  const callLarge = async (i: number): Promise<void> => {
    const { output } = await sandbox.execute(jobFor(tenant, largeCode, i, 'bench-increment-large'));
    if ((output as { n: number }).n !== i + 1) throw new Error('wrong plugin output');
  };
  await timeEach(50, callLarge);
  const spacedLarge = await timeEach(CALLS / 4, callLarge, 2);
  const naive = await timeEach(NAIVE_CALLS, (i) => naiveCall(code, i));
  // A new tenant takes a spare process; the next spare boots behind it (given time to, here).
  const cold = await timeEach(COLD_STARTS, () => sandbox.warm(randomUUID()), 400);
  const boot = await timeEach(COLD_STARTS, () => bootOnly.warm(randomUUID()));
  const firstCall = await timeEach(
    COLD_STARTS,
    (i) => sandbox.execute(jobFor(randomUUID(), code, i)).then(() => undefined),
    400,
  );

  log(`sandbox: ${await sandbox.layers()}`);
  log('| measure | p50 [95% interval] | p95 | baseline | ratio | target |');
  log('|---|---|---|---|---|---|');
  const row = (label: string, samples: number[], baseLabel: string, base: number, target?: number): void => {
    const p50 = medianInterval(samples);
    log(
      `| ${label} | ${within(p50, 3, ' ms')} | ${ms(percentile(samples, 95))} | ${baseLabel}: ${ms(base)} | ${(median(samples) / base).toFixed(4)}x | ${
        target === undefined ? '' : `<= ${target} ms: ${verdict(p50.high <= target)}`
      } |`,
    );
  };
  row(
    `plugin call, warm pool, 2 ms apart (${spaced.length})`,
    spaced,
    'naive process per call',
    median(naive),
    TARGETS.perCallMs,
  );
  row(
    `60 KB plugin call, warm pool, 2 ms apart (${spacedLarge.length})`,
    spacedLarge,
    'naive process per call',
    median(naive),
    TARGETS.perCallMs,
  );
  row(
    `plugin call, warm pool, ${IDLE_SPACING_MS} ms apart (${idleSpaced.length})`,
    idleSpaced,
    `bare pipe round trip, ${IDLE_SPACING_MS} ms apart`,
    median(pipeIdle),
    TARGETS.perCallMs,
  );
  row(
    `plugin call, warm pool, back to back (${CALLS})`,
    backToBack,
    'naive process per call',
    median(naive),
    TARGETS.perCallMs,
  );
  row(
    `cold tenant pool start (${COLD_STARTS} tenants)`,
    cold,
    'booting a sandbox process',
    median(boot),
    TARGETS.coldStartMs,
  );
  row(`first call of a new tenant (pool start + call)`, firstCall, 'naive process per call', median(naive));
}

function chainYaml(name: string, length: number, body: (i: number) => string[]): string {
  const steps = Array.from({ length }, (_, k) => {
    const i = k + 1;
    return [`  - id: s${i}`, ...body(i), ...(i === 1 ? [] : [`    depends_on: [s${i - 1}]`])].join('\n');
  });
  return `name: ${name}\nversion: 1\nsteps:\n${steps.join('\n')}\n`;
}

const prev = (i: number): string => (i === 1 ? '0' : `"{{ steps.s${i - 1}.outputs.n }}"`);

async function workflowFigures(address: string, code: string): Promise<void> {
  const receiver = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"n":1}'),
  );
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
  const tenantId = randomUUID();
  const sandbox = new SandboxManager({ broker: createFetchBroker(), logger: quiet });
  const pin: PluginPin = { id: 'bench.increment', version: '1.0.0', digest: 'bench-increment' };
  const loaded: LoadedPlugin = {
    pin,
    code,
    signingKeyId: 'bench',
    outputSchema: OUTPUT_SCHEMA,
    checkInput: () => [],
    limits: DEFAULT_SANDBOX_LIMITS,
    allowedHosts: [],
    credentialSlots: [],
    requireOsSandbox: false,
  };
  /** Each sandbox call the worker makes: as the activity waits for it, and inside the child. */
  const inWorker = { call: [] as number[], child: [] as number[] };
  const host: PluginHost = {
    load: async () => loaded,
    execute: async (job) => {
      const t0 = performance.now();
      const result = await sandbox.execute(job);
      inWorker.call.push(performance.now() - t0);
      inWorker.child.push(result.usage.wallMs);
      return result;
    },
    record: async () => undefined,
  };

  const kindsPlugin = (i: number): string[] => [
    '    type: plugin',
    '    plugin: bench.increment@^1',
    `    with: { n: ${prev(i)} }`,
  ];
  const kinds = {
    transform: (i: number) => ['    type: transform', `    output: { n: ${prev(i)} }`],
    http: () => ['    type: http', `    url: "${url}"`],
    plugin: kindsPlugin,
    // A step with its own timeout never joins a chain: one local activity per step.
    'plugin-alone': (i: number) => [...kindsPlugin(i), '    timeout: 60'],
  };
  type Kind = keyof typeof kinds;
  const variants = SHAPES.flatMap((length) =>
    (Object.keys(kinds) as Kind[])
      // One step alone is the plain plugin variant already.
      .filter((kind) => length > 1 || kind !== 'plugin-alone')
      .map((kind) => ({
        kind,
        length,
        yaml: chainYaml(`bench-${kind}-${length}`, length, kinds[kind]),
        samples: [] as number[],
        onWorker: [] as number[],
      })),
  );
  const connection = await NativeConnection.connect({ address });
  const client = new Client({ connection: await Connection.connect({ address }) });
  const worker = await createWardenWorker({ connection, tenantId, plugins: host, logger: quiet });
  // The SDK floor: bare workflows on a task queue of their own, served by a plain worker.
  const floorQueue = `bench-floor-${tenantId}`;
  const floorWorker = await Worker.create({
    connection,
    taskQueue: floorQueue,
    workflowsPath: require.resolve('./floor-workflows'),
    activities: { noop: async (input: unknown) => input } satisfies FloorActivities,
  });
  const floor = {
    none: { type: 'noActivity', samples: [] as number[], onWorker: [] as number[] },
    one: { type: 'oneLocalActivity', samples: [] as number[], onWorker: [] as number[] },
  };
  const runFloor = async (type: string): Promise<number> => {
    const handle = await client.workflow.start(type, {
      taskQueue: floorQueue,
      workflowId: randomUUID(),
      args: [{ n: 1 }],
    });
    if (((await handle.result()) as { n?: number }).n !== 1)
      throw new Error(`${type} returned the wrong value`);
    return onWorkerMs(await handle.fetchHistory());
  };
  /** Runs once; returns the run's time on the worker: first workflow task started to close. */
  const runOnce = async (yaml: string): Promise<number> => {
    const { definition, problems } = parseWorkflow(yaml);
    if (!definition) throw new Error(JSON.stringify(problems));
    const runId = randomUUID();
    const plugins = Object.fromEntries(
      definition.steps.filter((s) => s.type === 'plugin').map((s) => [s.id, pin]),
    );
    const args: RunArgs = {
      runId,
      tenantId,
      workflowId: randomUUID(),
      workflowName: definition.name,
      workflowVersion: 1,
      definition,
      inputs: {},
      profile: 'standard',
      plugins,
    };
    const handle = await client.workflow.start(WARDEN_WORKFLOW_TYPE, {
      taskQueue: taskQueueFor(tenantId),
      workflowId: temporalWorkflowIdFor(runId),
      args: [args],
    });
    await handle.result();
    return onWorkerMs(await handle.fetchHistory());
  };
  /** Every variant and both floor workflows, measured in one rotation. */
  const entries = [
    ...variants.map((v) => ({ ...v, run: () => runOnce(v.yaml) })),
    ...Object.values(floor).map((f) => ({ ...f, run: () => runFloor(f.type) })),
  ];
  // Both workers stop when the measuring ends, also when a run fails.
  await floorWorker.runUntil(
    worker.runUntil(async () => {
      for (let i = 0; i < 5; i++) for (const entry of entries) await entry.run();
      inWorker.call.length = 0;
      inWorker.child.length = 0;
      for (let round = 0; round < RUNS; round++) {
        const k = round % entries.length;
        for (const entry of [...entries.slice(k), ...entries.slice(0, k)]) {
          const t0 = performance.now();
          const onWorker = await entry.run();
          entry.samples.push(performance.now() - t0);
          entry.onWorker.push(onWorker);
        }
      }
    }),
  );
  sandbox.close();
  receiver.close();
  await client.connection.close();
  await connection.close();

  log('');
  log(
    `sandbox calls made by the worker's plugin steps (${inWorker.call.length}): p50 ${within(medianInterval(inWorker.call), 3, ' ms')} as the activity waits, of which ${ms(median(inWorker.child))} inside the child`,
  );
  for (const length of SHAPES) {
    const shape = variants.filter((v) => v.length === length);
    const p50 = (kind: Kind, of: 'samples' | 'onWorker'): number =>
      median(shape.find((v) => v.kind === kind)![of]);
    log('');
    log(`workflow shape: ${length} chained step(s), ${RUNS} runs per variant, all shapes interleaved`);
    log(
      '| variant | end to end p50 | p95 | on the worker p50 | p95 | plugin / variant (end to end, worker) |',
    );
    log('|---|---|---|---|---|---|');
    for (const v of shape) {
      log(
        `| ${length} ${v.kind} | ${ms(median(v.samples))} | ${ms(percentile(v.samples, 95))} | ${ms(median(v.onWorker))} | ${ms(percentile(v.onWorker, 95))} | ${(p50('plugin', 'samples') / median(v.samples)).toFixed(2)}x, ${(p50('plugin', 'onWorker') / median(v.onWorker)).toFixed(2)}x |`,
      );
    }
    const of = (kind: Kind) => shape.find((v) => v.kind === kind)!;
    for (const clock of ['samples', 'onWorker'] as const) {
      const ratio = medianRatioInterval(of('plugin')[clock], of('transform')[clock]);
      const extra = (p50('plugin', clock) - p50('transform', clock)) / length;
      // Met when the whole 95% interval is under the target, not just this run's estimate.
      log(
        `plugin against transform, ${length} step(s), ${clock === 'samples' ? 'end to end' : 'on the worker'}: ${within(ratio, 2, 'x')} (target <= ${TARGETS.stepRatio}x: ${verdict(ratio.high <= TARGETS.stepRatio)}${ratio.estimate <= TARGETS.stepRatio && ratio.high > TARGETS.stepRatio ? ', the estimate is under it' : ''}); ${extra.toFixed(1)} ms more per step`,
      );
    }
  }
  logFloor(floor, {
    plugin: variants.find((v) => v.kind === 'plugin' && v.length === 1)!,
    transform: variants.find((v) => v.kind === 'transform' && v.length === 1)!,
  });
}

interface Timed {
  samples: number[];
  onWorker: number[];
}

/**
 * The SDK floor against the one-step comparison: how much of a plugin step's extra time any
 * local activity costs, how much is Warden's own, and the best ratio a step run as a local
 * activity could reach on this machine and server.
 */
function logFloor(floor: { none: Timed; one: Timed }, step: { plugin: Timed; transform: Timed }): void {
  log('');
  log(
    `SDK floor: a bare Temporal workflow awaiting one no-op local activity, against the same returning at once (${RUNS} runs each, interleaved with the above)`,
  );
  log(
    "| clock | no activity p50 | one local activity p50 | floor ratio | floor: ms per local activity | plugin step: ms more than transform | of which Warden's own | best ratio for a local-activity step |",
  );
  log('|---|---|---|---|---|---|---|---|');
  for (const clock of ['samples', 'onWorker'] as const) {
    const none = median(floor.none[clock]);
    const floorMs = median(floor.one[clock]) - none;
    const transform = median(step.transform[clock]);
    const stepMs = median(step.plugin[clock]) - transform;
    log(
      `| ${clock === 'samples' ? 'end to end' : 'on the worker'} | ${ms(none)} | ${ms(median(floor.one[clock]))} | ${within(medianRatioInterval(floor.one[clock], floor.none[clock]), 2, 'x')} | ${ms(floorMs)} | ${ms(stepMs)} | ${ms(stepMs - floorMs)} | ${((transform + floorMs) / transform).toFixed(2)}x |`,
    );
  }
}

/** From the first workflow task's start to the run's last event, by the server's clock. */
function onWorkerMs(history: temporal.api.history.v1.IHistory): number {
  const events = history.events ?? [];
  const at = (e: temporal.api.history.v1.IHistoryEvent | undefined): number =>
    e?.eventTime ? Number(e.eventTime.seconds ?? 0) * 1000 + (e.eventTime.nanos ?? 0) / 1e6 : NaN;
  const started = events.find((e) => e.workflowTaskStartedEventAttributes != null);
  return at(events[events.length - 1]) - at(started);
}

async function main(): Promise<void> {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
  const cpus = os.cpus();
  log(
    `Warden sandbox benchmark: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), Node ${process.version}, load ${os.loadavg()[0]!.toFixed(2)}`,
  );
  const code = compilePluginSource(PLUGIN_SOURCE, 'javascript');
  const largeCode = compilePluginSource(LARGE_PLUGIN_SOURCE, 'javascript');
  const sandbox = new SandboxManager({ broker: createFetchBroker(), logger: quiet, recycleAfter: 1_000_000 });
  // The same sandbox without spare processes: what booting one costs.
  const bootOnly = new SandboxManager({ broker: createFetchBroker(), logger: quiet, spares: 0 });
  try {
    await sandbox.prestart();
    await sandboxFigures(sandbox, bootOnly, code, largeCode);
  } finally {
    sandbox.close();
    bootOnly.close();
  }
  if (process.env.BENCH_ONLY_CALLS === '1') return;
  const server = process.env.TEMPORAL_ADDRESS ? undefined : await startTemporalDevServer({ onProgress: log });
  try {
    await workflowFigures(process.env.TEMPORAL_ADDRESS ?? server!.address, code);
  } finally {
    await server?.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench:sandbox failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
