/**
 * The re-encryption job's progress, as its `progress` query shows it. Pure bookkeeping, so the
 * workflow stays a short loop and the arithmetic has unit tests.
 */
import type { ReencryptBatchResult } from '../reencrypt-contract';
import type { ReencryptArgs, ReencryptProgress, ReencryptTableProgress } from '../shared';

/** How many failures the progress lists; the counts include every one. */
export const MAX_LISTED_FAILURES = 20;

export function newReencryptProgress(args: ReencryptArgs, startedAt: string): ReencryptProgress {
  return {
    tenantId: args.tenantId,
    targetVersion: args.targetVersion,
    table: null,
    processed: 0,
    total: 0,
    failed: 0,
    done: false,
    startedAt,
    tables: args.tables.map((table) => ({ table, total: 0, processed: 0, failed: 0, done: false })),
    failures: [],
  };
}

/** The stale rows found in each table when the job started. */
export function recordTotals(progress: ReencryptProgress, totals: readonly number[]): void {
  progress.tables.forEach((entry, index) => {
    entry.total = totals[index] ?? 0;
  });
  progress.total = sum(progress.tables.map((entry) => entry.total));
}

export function recordBatch(
  progress: ReencryptProgress,
  entry: ReencryptTableProgress,
  result: ReencryptBatchResult,
): void {
  entry.processed += result.processed;
  entry.failed += result.failures.length;
  // Rows sealed with an old key after the count (a process that had not seen the rotation yet)
  // are moved too: the total grows rather than the progress passing 100%.
  entry.total = Math.max(entry.total, entry.processed + entry.failed);
  entry.done = result.next === null;
  for (const failure of result.failures) {
    if (progress.failures.length >= MAX_LISTED_FAILURES) break;
    progress.failures.push({ table: entry.table, ...failure });
  }
  progress.processed = sum(progress.tables.map((t) => t.processed));
  progress.failed = sum(progress.tables.map((t) => t.failed));
  progress.total = sum(progress.tables.map((t) => t.total));
}

export function finishReencryption(progress: ReencryptProgress, finishedAt: string, error?: string): void {
  progress.table = null;
  progress.done = true;
  progress.finishedAt = finishedAt;
  if (error !== undefined) progress.error = error;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
