/** Small, dependency-free measuring and statistics for the benchmarks. */

/** Nearest-rank percentile. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

export interface ThroughputOptions {
  concurrency: number;
  /** The lanes start spread over this time, then counting begins. */
  rampMs: number;
  /** How long completions are counted. */
  windowMs: number;
  task: () => Promise<unknown>;
}

export interface ThroughputResult {
  runsPerSecond: number;
  /** Runs completed inside the window. */
  completed: number;
  /** The window as measured (timers can fire late on a busy machine). */
  windowSeconds: number;
  /** CPU time of this process (API, workers, receiver, client) per completed run. */
  cpuMsPerRun: number;
}

interface Mark {
  at: number;
  cpu: NodeJS.CpuUsage;
}

function markAfter(ms: number): Promise<Mark> {
  return new Promise((resolve) =>
    setTimeout(() => resolve({ at: performance.now(), cpu: process.cpuUsage() }), ms),
  );
}

/**
 * Keeps `concurrency` runs in flight, starting a new one as soon as one finishes, and counts the
 * runs that complete inside a window opened after a ramp. The lanes start spread over the ramp,
 * so runs do not move in lock-step waves; once every lane runs, any window sees each lane
 * complete window/duration runs on average. The drain at the end (fewer runs in flight) is not
 * counted.
 */
export async function steadyThroughput(opts: ThroughputOptions): Promise<ThroughputResult> {
  const finishedAt: number[] = [];
  const windowOpens = markAfter(opts.rampMs);
  const windowCloses = markAfter(opts.rampMs + opts.windowMs);
  const end = performance.now() + opts.rampMs + opts.windowMs;
  const lane = async (index: number): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, (index * opts.rampMs) / opts.concurrency));
    while (performance.now() < end) {
      await opts.task();
      finishedAt.push(performance.now());
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, i) => lane(i)));
  const [open, close] = await Promise.all([windowOpens, windowCloses]);
  const completed = finishedAt.filter((t) => t >= open.at && t < close.at).length;
  const cpuMs = (close.cpu.user - open.cpu.user + close.cpu.system - open.cpu.system) / 1000;
  const windowSeconds = (close.at - open.at) / 1000;
  return {
    runsPerSecond: completed / windowSeconds,
    completed,
    windowSeconds,
    cpuMsPerRun: completed === 0 ? Number.NaN : cpuMs / completed,
  };
}

/** A seeded PRNG (mulberry32), so a resampled interval is the same for the same samples. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function resample(samples: readonly number[], random: () => number): number[] {
  return Array.from({ length: samples.length }, () => samples[Math.floor(random() * samples.length)]!);
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/**
 * The ratio of two medians, median(a) / median(b), with a 95% bootstrap percentile interval. The
 * samples are paired: a[i] and b[i] were measured in the same round, so each resample draws
 * rounds (with replacement) and takes both samples of each drawn round, which keeps what a round
 * shared (the machine's state then) out of the interval. It says how far the ratio could move
 * with another set of rounds on the same machine.
 */
export function medianRatioInterval(
  a: readonly number[],
  b: readonly number[],
  resamples = 2000,
  seed = 1,
): Interval {
  if (a.length !== b.length) throw new Error('medianRatioInterval: the samples must be paired');
  const random = seededRandom(seed);
  const rounds = a.map((_, i) => i);
  const ratios = Array.from({ length: resamples }, () => {
    const drawn = resample(rounds, random);
    return median(drawn.map((i) => a[i]!)) / median(drawn.map((i) => b[i]!));
  });
  return { estimate: median(a) / median(b), low: percentile(ratios, 2.5), high: percentile(ratios, 97.5) };
}

/** The median of `samples` with its 95% bootstrap percentile interval. */
export function medianInterval(samples: readonly number[], resamples = 2000, seed = 1): Interval {
  const random = seededRandom(seed);
  const medians = Array.from({ length: resamples }, () => median(resample(samples, random)));
  return { estimate: median(samples), low: percentile(medians, 2.5), high: percentile(medians, 97.5) };
}
