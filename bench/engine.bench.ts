/**
 * `npm run bench:engine`: Warden against hand-written Temporal, same server, same process, same run.
 *
 *  1. sequential: a 10-step workflow of http steps to a local server, started through Warden's
 *     API and awaited to completion, against a raw Temporal workflow calling the same activity
 *     10 times with the same options (bench/raw-workflows.ts, checked by bench/fairness.ts);
 *  2. pure: a 10-step transform workflow through Warden (evaluated in workflow code);
 *  3. throughput: completed runs/s with 50 runs in flight, Warden sequential against raw.
 *
 * Every variant is warmed up first (one at a time, then at 50 in flight). Latency samples are
 * taken one run at a time, the variants interleaved in a rotating order; throughput windows
 * alternate raw and Warden (ABBA...), so drift on a busy machine hits both. Before measuring,
 * the recorded histories prove both sides schedule identical activities (bench/fairness.ts).
 * See docs/benchmarks.md. Environment (defaults in brackets):
 *   BENCH_RUNS [30]               latency samples per variant
 *   BENCH_WINDOW_S [15]           length of one throughput window, in seconds
 *   BENCH_THROUGHPUT_ROUNDS [2]   throughput windows per side
 *   BENCH_BREAKDOWN [0]           1: also run the interpreter started directly, without the API
 *   TEMPORAL_ADDRESS              use this server instead of starting a dev server
 */
import os from 'node:os';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { DEFAULT_TENANT_ID } from '@warden/engine';
import { pureTransformYaml, sequentialHttpYaml } from './definitions';
import { assertSameActivities } from './fairness';
import { latencyTable, throughputTable, timelineTable, type Target, type ThroughputRow } from './report';
import { createRunners, type Runner } from './runners';
import { startBenchStack } from './stack';
import { steadyThroughput, type ThroughputResult } from './stats';
import { medianTimeline } from './timeline';
import { log, positiveInt } from './bench-env';

const STEPS = 10;
const CONCURRENCY = 50;
const RUNS = positiveInt('BENCH_RUNS', 30);
const WINDOW_MS = positiveInt('BENCH_WINDOW_S', 15) * 1000;
const ROUNDS = positiveInt('BENCH_THROUGHPUT_ROUNDS', 2);
const BREAKDOWN = process.env.BENCH_BREAKDOWN === '1';
/** The 50 lanes start spread over this time; counting starts after it. */
const RAMP_MS = 4000;
const WARM_UP_ROUNDS = 5;
const WARM_UP_WINDOW_MS = 5000;

/** From the issue: Warden's cost over raw Temporal. */
const TARGETS = {
  sequential: { text: '<= 1.10x', met: (ratio) => ratio <= 1.1 },
  pure: { text: '< 1.00x', met: (ratio) => ratio < 1 },
  throughput: { text: '>= 0.90x', met: (ratio) => ratio >= 0.9 },
} satisfies Record<string, Target>;

/** Rotates the order each round, so no variant always runs right after the same other one. */
function rotated<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

interface LatencySamples {
  total: number[];
  start: number[];
  workflowIds: string[];
}

async function measureLatency(runners: Runner[]): Promise<Map<Runner, LatencySamples>> {
  const samples = new Map<Runner, LatencySamples>(
    runners.map((r) => [r, { total: [], start: [], workflowIds: [] }]),
  );
  for (let round = 0; round < RUNS; round++) {
    for (const runner of rotated(runners, round)) {
      const t0 = performance.now();
      const { startMs, workflowId } = await runner.run();
      const own = samples.get(runner)!;
      own.total.push(performance.now() - t0);
      own.start.push(startMs);
      own.workflowIds.push(workflowId);
    }
  }
  return samples;
}

/**
 * One unmeasured window per variant first: the first 50 concurrent runs of a variant pay for
 * growing pools, caches and heaps (printed, since a cold start is worth knowing about). Then
 * windows alternate ABBA..., so a machine getting busier or quieter affects every side alike.
 */
async function measureThroughput(runners: Runner[]): Promise<Map<Runner, ThroughputResult[]>> {
  const window = async (runner: Runner, windowMs: number, note: string): Promise<ThroughputResult> => {
    const result = await steadyThroughput({
      concurrency: CONCURRENCY,
      rampMs: RAMP_MS,
      windowMs,
      task: () => runner.run(),
    });
    log(
      `  ${runner.label}: ${result.runsPerSecond.toFixed(1)} runs/s (load ${os.loadavg()[0]!.toFixed(1)})${note}`,
    );
    return result;
  };
  for (const runner of runners) await window(runner, WARM_UP_WINDOW_MS, ', warm-up, not counted');
  const results = new Map<Runner, ThroughputResult[]>(runners.map((r) => [r, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const runner of round % 2 === 0 ? runners : [...runners].reverse()) {
      results.get(runner)!.push(await window(runner, WINDOW_MS, ''));
    }
  }
  return results;
}

/** Pools the windows: all completions over all window time, CPU weighted by completions. */
function pooled(label: string, windows: ThroughputResult[]): ThroughputRow {
  const completed = windows.reduce((sum, w) => sum + w.completed, 0);
  return {
    label,
    runsPerSecond: completed / windows.reduce((sum, w) => sum + w.windowSeconds, 0),
    cpuMsPerRun: windows.reduce((sum, w) => sum + w.cpuMsPerRun * w.completed, 0) / completed,
  };
}

async function main(): Promise<void> {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
  const stack = await startBenchStack(log);
  try {
    const { raw, warden, pure, direct } = await createRunners(stack, {
      steps: STEPS,
      sequentialYaml: sequentialHttpYaml(stack.receiverUrl, STEPS),
      pureYaml: pureTransformYaml(STEPS),
      tenantId: DEFAULT_TENANT_ID,
    });
    const { serverVersion } = await stack.client.connection.workflowService.getSystemInfo({});
    const cpus = os.cpus();
    log(
      `Warden engine benchmark: ${STEPS}-step workflows, Temporal ${serverVersion} at ${stack.temporalAddress}`,
    );
    log(
      `host: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), Node ${process.version}, load ${os.loadavg()[0]!.toFixed(2)}`,
    );

    const latencyRunners = BREAKDOWN ? [raw, warden, direct, pure] : [raw, warden, pure];
    const throughputRunners = BREAKDOWN ? [raw, warden, direct] : [raw, warden];
    await stack.withWorkers(async () => {
      log(`warming up: ${WARM_UP_ROUNDS} rounds of every variant ...`);
      for (let i = 0; i < WARM_UP_ROUNDS; i++) await Promise.all(latencyRunners.map((r) => r.run()));
      const checked = await assertSameActivities(
        stack.client,
        (await warden.run()).workflowId,
        (await raw.run()).workflowId,
      );
      log(`fairness: both sides scheduled ${checked} activities of the same type with the same options`);

      log(`latency: ${RUNS} runs per variant, one at a time, interleaved ...`);
      const latency = await measureLatency(latencyRunners);
      const timelines = await Promise.all(
        latencyRunners.map(async (r) => ({
          label: r.label,
          timeline: await medianTimeline(stack.client, latency.get(r)!.workflowIds),
        })),
      );
      log(
        `throughput: ${CONCURRENCY} in flight, ${ROUNDS} windows of ${WINDOW_MS / 1000} s per variant after a ${RAMP_MS / 1000} s ramp ...`,
      );
      const throughput = await measureThroughput(throughputRunners);

      const rawLatency = latency.get(raw)!.total;
      const latencyRows = latencyRunners.map((r) => ({
        label: r.label,
        samples: latency.get(r)!.total,
        startSamples: latency.get(r)!.start,
        startLabel: r.startLabel,
        ...(r === raw ? {} : { baseline: rawLatency }),
        ...(r === warden ? { target: TARGETS.sequential } : r === pure ? { target: TARGETS.pure } : {}),
      }));
      const rawRate = pooled(raw.label, throughput.get(raw)!).runsPerSecond;
      const throughputRows = throughputRunners.map((r) => ({
        ...pooled(r.label, throughput.get(r)!),
        ...(r === raw ? {} : { baseline: rawRate }),
        ...(r === warden ? { target: TARGETS.throughput } : {}),
      }));
      log('');
      const tables = [latencyTable(latencyRows), timelineTable(timelines), throughputTable(throughputRows)];
      for (const line of tables.flatMap((table) => [...table, ''])) log(line);
    });

    const expected = STEPS * (raw.completed() + warden.completed() + direct.completed());
    const received = stack.receivedRequests();
    if (received !== expected)
      throw new Error(`the receiver saw ${received} http requests, expected ${expected}`);
    log(`receiver: ${received} http requests, exactly ${STEPS} per completed http run`);
  } finally {
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `bench:engine failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
