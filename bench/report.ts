/** Formats the engine benchmark's results as plain-text tables. */
import { median, percentile } from './stats';
import type { Timeline } from './timeline';

export interface Target {
  /** As printed, e.g. '<= 1.10x'. */
  text: string;
  met(ratio: number): boolean;
}

export interface LatencyRow {
  label: string;
  /** Start to completion, ms. */
  samples: number[];
  /** How long the start took to be accepted, ms, and what that start is. */
  startSamples: number[];
  startLabel: string;
  /** The raw Temporal samples, for the ratio of medians. */
  baseline?: number[];
  target?: Target;
}

export interface ThroughputRow {
  label: string;
  runsPerSecond: number;
  cpuMsPerRun: number;
  /** The raw Temporal rate, for the ratio. */
  baseline?: number;
  target?: Target;
}

/** First column left-aligned, the others right-aligned, every column as wide as its widest cell. */
export function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('   ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

const ms = (value: number): string => value.toFixed(1);
const ratio = (value: number): string => `${value.toFixed(2)}x`;
const verdict = (value: number, target?: Target): string =>
  target ? `${target.text} ${target.met(value) ? 'met' : 'MISSED'}` : '';

export function latencyTable(rows: LatencyRow[]): string[] {
  const body = rows.flatMap((row) => {
    const m = median(row.samples);
    const vsRaw = row.baseline ? m / median(row.baseline) : undefined;
    return [
      [
        row.label,
        ms(m),
        ms(percentile(row.samples, 95)),
        vsRaw === undefined ? '' : ratio(vsRaw),
        vsRaw === undefined ? '' : verdict(vsRaw, row.target),
      ],
      [
        `  of which the start (${row.startLabel})`,
        ms(median(row.startSamples)),
        ms(percentile(row.startSamples, 95)),
      ],
    ];
  });
  return table(['latency per run, one at a time', 'median ms', 'p95 ms', 'vs raw', 'target'], body);
}

export function timelineTable(rows: Array<{ label: string; timeline: Timeline }>): string[] {
  const body = rows.map(({ label, timeline: t }) => [
    label,
    String(t.workflowTasks),
    ms(t.workflowTaskQueueMs),
    ms(t.workflowTaskWorkMs),
    ms(t.activityQueueMs),
    ms(t.activityWorkMs),
    ms(t.serverTotalMs),
  ]);
  const headers = [
    'in the history, medians (ms)',
    'wf tasks',
    'wf queued',
    'wf worked',
    'act queued',
    'act ran',
    'total',
  ];
  return table(headers, body);
}

export function throughputTable(rows: ThroughputRow[]): string[] {
  const body = rows.map((row) => {
    const vsRaw = row.baseline ? row.runsPerSecond / row.baseline : undefined;
    return [
      row.label,
      row.runsPerSecond.toFixed(1),
      ms(row.cpuMsPerRun),
      vsRaw === undefined ? '' : ratio(vsRaw),
      vsRaw === undefined ? '' : verdict(vsRaw, row.target),
    ];
  });
  return [
    ...table(['throughput, 50 runs in flight', 'runs/s', 'CPU ms/run*', 'vs raw', 'target'], body),
    '* of this process (API, both workers, receiver, client); Temporal and PostgreSQL not included',
  ];
}
