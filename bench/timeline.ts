/**
 * Where a run's time goes, read from its Temporal history: waiting in task queues (server
 * dispatch), worker time on workflow tasks (where the interpreter's overhead would show), and
 * activity execution. Comparing the two sides here tells engine overhead from server latency.
 */
import type { Client } from '@temporalio/client';
import { median } from './stats';

export interface Timeline {
  /** Workflow tasks: scheduled -> started, summed over the run. */
  workflowTaskQueueMs: number;
  /** Workflow tasks: started -> completed (the worker running workflow code), summed. */
  workflowTaskWorkMs: number;
  /** Activities: scheduled -> started, summed. */
  activityQueueMs: number;
  /** Activities: started -> completed, summed. */
  activityWorkMs: number;
  /** Execution started -> closed, as the server recorded it. */
  serverTotalMs: number;
  workflowTasks: number;
}

interface Ts {
  seconds?: { toNumber(): number } | number | null;
  nanos?: number | null;
}

const toMs = (ts: Ts | null | undefined): number => {
  const seconds = ts?.seconds;
  return (typeof seconds === 'number' ? seconds : (seconds?.toNumber() ?? 0)) * 1000 + (ts?.nanos ?? 0) / 1e6;
};

async function timelineOf(client: Client, workflowId: string): Promise<Timeline> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const t: Timeline = {
    workflowTaskQueueMs: 0,
    workflowTaskWorkMs: 0,
    activityQueueMs: 0,
    activityWorkMs: 0,
    serverTotalMs: toMs(events.at(-1)?.eventTime) - toMs(events[0]?.eventTime),
    workflowTasks: 0,
  };
  // Both kinds of task are scheduled, started and completed in that order in the history.
  let wftScheduled = 0;
  let wftStarted = 0;
  const activityScheduled = new Map<string, number>();
  const activityStarted = new Map<string, number>();
  for (const e of events) {
    const at = toMs(e.eventTime);
    const id = String(e.eventId);
    if (e.workflowTaskScheduledEventAttributes) wftScheduled = at;
    else if (e.workflowTaskStartedEventAttributes) {
      wftStarted = at;
      t.workflowTaskQueueMs += at - wftScheduled;
    } else if (e.workflowTaskCompletedEventAttributes) {
      t.workflowTaskWorkMs += at - wftStarted;
      t.workflowTasks++;
    } else if (e.activityTaskScheduledEventAttributes) activityScheduled.set(id, at);
    else if (e.activityTaskStartedEventAttributes) {
      const scheduledId = String(e.activityTaskStartedEventAttributes.scheduledEventId);
      activityStarted.set(scheduledId, at);
      t.activityQueueMs += at - (activityScheduled.get(scheduledId) ?? at);
    } else if (e.activityTaskCompletedEventAttributes) {
      const scheduledId = String(e.activityTaskCompletedEventAttributes.scheduledEventId);
      t.activityWorkMs += at - (activityStarted.get(scheduledId) ?? at);
    }
  }
  return t;
}

/** The median of each part over the given runs. */
export async function medianTimeline(client: Client, workflowIds: string[]): Promise<Timeline> {
  const all = await Promise.all(workflowIds.map((id) => timelineOf(client, id)));
  const part = (pick: (t: Timeline) => number): number => median(all.map(pick));
  return {
    workflowTaskQueueMs: part((t) => t.workflowTaskQueueMs),
    workflowTaskWorkMs: part((t) => t.workflowTaskWorkMs),
    activityQueueMs: part((t) => t.activityQueueMs),
    activityWorkMs: part((t) => t.activityWorkMs),
    serverTotalMs: part((t) => t.serverTotalMs),
    workflowTasks: part((t) => t.workflowTasks),
  };
}
