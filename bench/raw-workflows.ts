/**
 * The baseline of `npm run bench:engine`: a hand-written Temporal workflow that calls the same
 * activity Warden's http steps call, ten times in a row, with the same activity options.
 *
 * The options are spelled out because activityOptionsFor is internal to @warden/engine; they are
 * what it returns for a step with no `timeout` and no `retry`. The benchmark compares the
 * ActivityTaskScheduled events of both sides before it measures anything (bench/fairness.ts),
 * so a drift here or in the engine stops the benchmark instead of skewing it.
 */
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { HttpActivityInput, WardenActivities } from '@warden/engine';

const { runHttp } = proxyActivities<WardenActivities>({
  startToCloseTimeout: 300_000,
  heartbeatTimeout: 10_000,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    maximumAttempts: 1,
    initialInterval: 1000,
    backoffCoefficient: 2,
    nonRetryableErrorTypes: ['ProfileViolation', 'InvalidRequest', 'ShellSpawnFailed', 'PluginUnavailable'],
  },
});

/** Returns the last status, so the caller can check the calls really happened. */
export async function rawSequential(runId: string, url: string, steps: number): Promise<number> {
  let last = 0;
  for (let i = 1; i <= steps; i++) {
    const input: HttpActivityInput = {
      runId,
      stepId: `step-${i}`,
      profile: 'elevated',
      method: 'GET',
      url,
      headers: {},
      expected_status: [],
    };
    last = (await runHttp(input)).status;
  }
  return last;
}
