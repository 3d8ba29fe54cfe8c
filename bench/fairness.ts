/**
 * Fairness check: both sides must schedule the same activity, as often, with the same options.
 * Read from the recorded histories, so it holds whatever either side's code says it does.
 */
import type { Client } from '@temporalio/client';

/** What Temporal recorded about one scheduled activity, minus ids and inputs. */
async function scheduledActivities(client: Client, workflowId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const a = event.activityTaskScheduledEventAttributes;
    if (!a) return [];
    return [
      JSON.stringify({
        type: a.activityType?.name,
        scheduleToClose: a.scheduleToCloseTimeout,
        scheduleToStart: a.scheduleToStartTimeout,
        startToClose: a.startToCloseTimeout,
        heartbeat: a.heartbeatTimeout,
        retry: a.retryPolicy,
      }),
    ];
  });
}

/** Throws, naming the difference, unless both workflows scheduled identical activities. */
export async function assertSameActivities(
  client: Client,
  wardenWorkflowId: string,
  rawWorkflowId: string,
): Promise<number> {
  const [warden, raw] = await Promise.all([
    scheduledActivities(client, wardenWorkflowId),
    scheduledActivities(client, rawWorkflowId),
  ]);
  if (warden.length !== raw.length) {
    throw new Error(
      `unfair comparison: Warden scheduled ${warden.length} activities, raw Temporal ${raw.length}`,
    );
  }
  warden.forEach((options, i) => {
    if (options !== raw[i]) {
      throw new Error(
        `unfair comparison: activity ${i + 1} differs\n  Warden ${options}\n  raw    ${raw[i]}`,
      );
    }
  });
  return warden.length;
}
