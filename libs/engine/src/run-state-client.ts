import {
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { RUN_FAILED_ERROR_TYPE, runStateQuery, temporalWorkflowIdFor, type RunState } from './shared';

/** A closed run's query needs a worker to replay it; do not hang when none is up. */
const CLOSED_QUERY_DEADLINE_MS = 5000;

/** The run id names no Temporal workflow (never started, or already removed by retention). */
export class RunNotFoundError extends Error {
  readonly code = 'run_not_found';

  constructor(readonly runId: string) {
    super(`run '${runId}' not found`);
    this.name = 'RunNotFoundError';
  }
}

function isRunState(value: unknown): value is RunState {
  return (
    typeof value === 'object' && value !== null && 'runId' in value && 'steps' in value && 'status' in value
  );
}

/** When nothing better is known (terminated, timed out, no worker to answer a query). */
function fallbackState(
  runId: string,
  desc: WorkflowExecutionDescription,
  status: RunState['status'],
): RunState {
  return {
    runId,
    status,
    steps: {},
    order: [],
    startedAt: desc.startTime.toISOString(),
    ...(desc.closeTime ? { finishedAt: desc.closeTime.toISOString() } : {}),
    ...(status === 'failed'
      ? {
          error: {
            code: `run_${desc.status.name.toLowerCase()}`,
            message: `run ${desc.status.name.toLowerCase()}`,
          },
        }
      : {}),
  };
}

async function failedRunState(result: () => Promise<unknown>): Promise<RunState | undefined> {
  try {
    await result();
  } catch (err) {
    if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure) {
      const details = err.cause.type === RUN_FAILED_ERROR_TYPE ? err.cause.details?.[0] : undefined;
      if (isRunState(details)) return details;
    }
  }
  return undefined;
}

/**
 * A run's state from Temporal: the live state while it runs, the recorded result once it ended.
 * Throws RunNotFoundError when Temporal knows no such run.
 */
export async function getRunState(client: Client, runId: string): Promise<RunState> {
  const handle = client.workflow.getHandle(temporalWorkflowIdFor(runId));
  let desc: WorkflowExecutionDescription;
  try {
    desc = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new RunNotFoundError(runId);
    throw err;
  }
  switch (desc.status.name) {
    case 'RUNNING':
    case 'CONTINUED_AS_NEW':
      return handle.query(runStateQuery);
    case 'COMPLETED': {
      const result: unknown = await handle.result();
      return isRunState(result) ? result : fallbackState(runId, desc, 'succeeded');
    }
    case 'FAILED':
      return (await failedRunState(() => handle.result())) ?? fallbackState(runId, desc, 'failed');
    case 'CANCELLED':
      // The final state lives only in workflow memory: a query replays it (needs a worker).
      try {
        return await client.withDeadline(Date.now() + CLOSED_QUERY_DEADLINE_MS, () =>
          handle.query(runStateQuery),
        );
      } catch {
        return fallbackState(runId, desc, 'cancelled');
      }
    default:
      return fallbackState(runId, desc, 'failed');
  }
}
