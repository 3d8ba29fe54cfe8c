/**
 * The key maintenance workflow: after a tenant's data key was rotated, moves every stored value
 * sealed with an older version to the current one, a batch (one activity, one transaction) at a
 * time, so the old version can be destroyed once nothing uses it. Deterministic: the database
 * and the keys are touched only by the activities, on the tenant's own worker.
 */
import {
  ActivityFailure,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import { REENCRYPT_ERROR_TYPES, type ReencryptActivities } from '../reencrypt-contract';
import { reencryptProgressQuery, type ReencryptArgs, type ReencryptProgress } from '../shared';
import { finishReencryption, newReencryptProgress, recordBatch, recordTotals } from './reencrypt-progress';

const DEFAULT_BATCH_SIZE = 100;
/** Keeps each run's history short; the job goes on in a new run with its progress. */
const BATCHES_PER_RUN = 500;

const retry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
  maximumAttempts: 20,
  nonRetryableErrorTypes: Object.values(REENCRYPT_ERROR_TYPES),
};

const { countStaleCiphertext, recordReencryption } = proxyActivities<ReencryptActivities>({
  startToCloseTimeout: '1m',
  retry,
});

const { reencryptBatch } = proxyActivities<ReencryptActivities>({
  startToCloseTimeout: '10m',
  // A batch heartbeats per row: a worker that died mid-batch is noticed in seconds.
  heartbeatTimeout: '30s',
  retry,
});

function now(): string {
  return new Date().toISOString();
}

export async function reencryptTenant(args: ReencryptArgs): Promise<ReencryptProgress> {
  const progress = args.resume?.progress ?? newReencryptProgress(args, now());
  let cursor = args.resume?.cursor ?? null;
  setHandler(reencryptProgressQuery, () => progress);
  const { tenantId, targetVersion } = args;
  try {
    if (args.resume === undefined) {
      const totals: number[] = [];
      for (const table of args.tables)
        totals.push(await countStaleCiphertext({ tenantId, table, targetVersion }));
      recordTotals(progress, totals);
    }
    let batches = 0;
    for (const entry of progress.tables) {
      if (entry.done) continue;
      if (progress.table !== entry.table) {
        progress.table = entry.table;
        cursor = null;
      }
      while (!entry.done) {
        if (batches >= BATCHES_PER_RUN || workflowInfo().continueAsNewSuggested) {
          await continueAsNew<typeof reencryptTenant>({ ...args, resume: { progress, cursor } });
        }
        const result = await reencryptBatch({
          tenantId,
          table: entry.table,
          targetVersion,
          after: cursor,
          limit: args.batchSize ?? DEFAULT_BATCH_SIZE,
        });
        batches += 1;
        cursor = result.next;
        recordBatch(progress, entry, result);
      }
    }
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    // The end is audited either way; the workflow then fails, so the job shows as failed.
    finishReencryption(progress, now(), err.cause?.message ?? err.message);
    await recordReencryption({ jobId: workflowInfo().workflowId, progress });
    throw err;
  }
  finishReencryption(progress, now());
  await recordReencryption({ jobId: workflowInfo().workflowId, progress });
  return progress;
}
