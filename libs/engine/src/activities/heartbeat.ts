import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ACTIVITY_ERROR_TYPES } from '../activity-contract';

/**
 * Heartbeats on a timer while `work` runs. Heartbeats are how a running activity learns it was
 * cancelled, and how Temporal notices a dead worker and hands the step to another one.
 */
export async function withHeartbeat<T>(intervalMs: number, work: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), intervalMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** Epoch ms at which this attempt's start-to-close timeout expires. */
export function attemptDeadline(startedAtMs: number): number {
  const timeoutMs = Context.current().info.startToCloseTimeoutMs;
  return timeoutMs > 0 ? startedAtMs + timeoutMs : Number.MAX_SAFE_INTEGER;
}

/**
 * Rethrows the SDK's CancelledFailure so Temporal records the activity as cancelled. A worker
 * shutting down also cancels its activities; that is not the run's cancellation, so it becomes
 * a retryable failure the workflow hands to another worker.
 */
export function throwIfCancelled(): void {
  const signal = Context.current().cancellationSignal;
  if (!signal.aborted) return;
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.message === 'WORKER_SHUTDOWN') {
    throw ApplicationFailure.create({
      type: ACTIVITY_ERROR_TYPES.workerShutdown,
      message: 'the worker shut down while this step ran',
    });
  }
  throw reason;
}
