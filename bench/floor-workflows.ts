/**
 * The SDK floor of `npm run bench:sandbox`: two bare Temporal workflows with no Warden code, one
 * returning at once and one awaiting a single no-op local activity first. Their difference is
 * what any step run as a local activity costs on this machine before Warden does anything.
 */
import { proxyLocalActivities } from '@temporalio/workflow';

export interface FloorActivities {
  noop(input: unknown): Promise<unknown>;
}

const { noop } = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: 300_000 });

export async function noActivity(input: unknown): Promise<unknown> {
  return input;
}

export async function oneLocalActivity(input: unknown): Promise<unknown> {
  return noop(input);
}
