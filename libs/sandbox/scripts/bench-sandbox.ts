/**
 * Quick numbers for the sandbox: cold start of one process (spawn under bubblewrap until the
 * isolate is ready) and the per-call overhead of a trivial plugin on a warm process.
 * Run: node -r @swc-node/register libs/sandbox/scripts/bench-sandbox.ts
 */
import { createHash } from 'node:crypto';
import {
  childBundlePath,
  createLauncher,
  DEFAULT_SANDBOX_LIMITS,
  isolatedVmNativePath,
  SandboxProcess,
  type CapabilityBroker,
  type SandboxJob,
} from '../src/index';

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const broker: CapabilityBroker = { fetch: () => Promise.reject(new Error('no fetch in the bench')) };
const code = 'module.exports = { run: (input) => input };';
const job: SandboxJob = {
  tenantId: 'bench',
  plugin: {
    id: 'bench.echo',
    version: '1.0.0',
    digest: createHash('sha256').update(code).digest('hex'),
    code,
  },
  input: { n: 1 },
  config: {},
  limits: DEFAULT_SANDBOX_LIMITS,
  capabilities: { allowedHosts: [], credentials: [] },
};
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const launcher = await createLauncher({
    bundlePath: await childBundlePath(),
    nativePath: isolatedVmNativePath(),
    bwrapPath: '/usr/bin/bwrap',
    requireOsSandbox: false,
    cpuLimitSeconds: 600,
    logger,
  });
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const process = await SandboxProcess.start(launcher.argv(128), 128, launcher.confined, logger);
    starts.push(performance.now() - started);
    process.kill();
  }
  const process = await SandboxProcess.start(launcher.argv(128), 128, launcher.confined, logger);
  for (let i = 0; i < 300; i++) await process.run(job, DEFAULT_SANDBOX_LIMITS, broker);
  const inChild: number[] = [];
  const roundTrip: number[] = [];
  for (let i = 0; i < 500; i++) {
    await pause(Number(globalThis.process.env.PAUSE ?? 2)); // lets the next context be prepared, as between real jobs
    const started = performance.now();
    const outcome = await process.run(job, DEFAULT_SANDBOX_LIMITS, broker);
    roundTrip.push(performance.now() - started);
    inChild.push(outcome.done.usage.wallMs);
  }
  const burst = performance.now();
  for (let i = 0; i < 1000; i++) await process.run(job, DEFAULT_SANDBOX_LIMITS, broker);
  const backToBack = (performance.now() - burst) / 1000;
  process.kill();
  const report = {
    confined: launcher.confined,
    coldStartMs: { median: median(starts), all: starts.map((v) => Math.round(v)) },
    warmCallMs: {
      inChildMedian: median(inChild),
      roundTripMedian: median(roundTrip),
      backToBackMean: backToBack,
    },
  };
  globalThis.process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

void main();
