/**
 * The workflow of `npm run bench:crypto`'s per-run figures: ten activities in a row, each handed
 * the previous one's output, the shape of a Warden run whose steps pass data along. Only the data
 * converter differs between the two sides, so the difference is what the payload codec costs.
 */
import { proxyActivities } from '@temporalio/workflow';

export interface StepData {
  stepId: string;
  /** About 1 KiB of text, a typical step output. */
  body: string;
}

export interface CryptoBenchActivities {
  step(input: StepData, stepId: string): Promise<StepData>;
}

const { step } = proxyActivities<CryptoBenchActivities>({
  startToCloseTimeout: 60_000,
  retry: { maximumAttempts: 1 },
});

export async function tenSteps(input: StepData, steps: number): Promise<StepData> {
  let data = input;
  for (let i = 1; i <= steps; i++) data = await step(data, `step-${i}`);
  return data;
}
