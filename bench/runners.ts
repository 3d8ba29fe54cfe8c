/**
 * The variants the engine benchmark measures. Each runner starts one workflow, awaits its result
 * through the same Temporal client, and checks the run really did its work.
 */
import { randomUUID } from 'node:crypto';
import { parseWorkflow, resolveRunInputs } from '@warden/definition';
import {
  WARDEN_WORKFLOW_TASK_TIMEOUT,
  WARDEN_WORKFLOW_TYPE,
  taskQueueFor,
  temporalWorkflowIdFor,
  type RunArgs,
  type RunState,
} from '@warden/engine';
import type { wardenRun } from '@warden/engine/workflows';
import type { rawSequential } from './raw-workflows';
import { RAW_TASK_QUEUE, type BenchStack } from './stack';

export interface Runner {
  label: string;
  /** What `startMs` measures. */
  startLabel: string;
  /** Runs one workflow to completion; `startMs` is how long the start took to be accepted. */
  run(): Promise<RunResult>;
  /** Runs completed so far. */
  completed(): number;
}

export interface RunResult {
  /** The Temporal workflow id. */
  workflowId: string;
  startMs: number;
}

export interface Runners {
  /** Hand-written Temporal: 10 runHttp activities in a loop. */
  raw: Runner;
  /** Warden, 10 http steps, started through the API (POST /v1/workflows/:id/runs). */
  warden: Runner;
  /** Warden, 10 transform steps, started through the API. */
  pure: Runner;
  /** Warden's interpreter on the http definition, started straight on Temporal (no API). */
  direct: Runner;
}

export interface RunnerOptions {
  steps: number;
  sequentialYaml: string;
  pureYaml: string;
  tenantId: string;
}

function runner(label: string, startLabel: string, once: () => Promise<RunResult>): Runner {
  let completed = 0;
  return {
    label,
    startLabel,
    async run() {
      const result = await once();
      completed++;
      return result;
    },
    completed: () => completed,
  };
}

async function post<T>(url: string, authorization: string, contentType: string, body: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization },
    body,
  });
  const parsed = (await res.json()) as T;
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

const START_RPC = 'start RPC';
const START_API = 'POST /runs -> 202';

function checkSucceeded(state: RunState, steps: number): void {
  const succeeded = Object.values(state.steps).filter((s) => s.status === 'succeeded').length;
  if (state.status !== 'succeeded' || succeeded !== steps) {
    throw new Error(`run ${state.runId} ended ${state.status} with ${succeeded}/${steps} steps succeeded`);
  }
}

export async function createRunners(stack: BenchStack, opts: RunnerOptions): Promise<Runners> {
  const { client, wardenClient } = stack;
  const register = async (yaml: string): Promise<string> =>
    (await post<{ id: string }>(`${stack.api}/v1/workflows`, stack.authorization, 'application/yaml', yaml))
      .id;
  const sequentialId = await register(opts.sequentialYaml);
  const pureId = await register(opts.pureYaml);

  const throughApi = (workflowId: string) => async () => {
    const t0 = performance.now();
    const { runId } = await post<{ runId: string }>(
      `${stack.api}/v1/workflows/${workflowId}/runs`,
      stack.authorization,
      'application/json',
      '{"inputs":{}}',
    );
    const startMs = performance.now() - t0;
    const temporalId = temporalWorkflowIdFor(runId);
    checkSucceeded(await wardenClient.workflow.getHandle<typeof wardenRun>(temporalId).result(), opts.steps);
    return { workflowId: temporalId, startMs };
  };

  let rawCount = 0;
  const raw = runner(`raw Temporal: ${opts.steps} activities`, START_RPC, async () => {
    const workflowId = `bench-raw-${process.pid}-${rawCount++}`;
    const t0 = performance.now();
    const handle = await client.workflow.start<typeof rawSequential>('rawSequential', {
      taskQueue: RAW_TASK_QUEUE,
      workflowId,
      args: [workflowId, stack.receiverUrl, opts.steps],
    });
    const startMs = performance.now() - t0;
    const status = await handle.result();
    if (status !== 200) throw new Error(`${workflowId} ended with status ${status}`);
    return { workflowId, startMs };
  });

  const parsed = parseWorkflow(opts.sequentialYaml, { maxProfile: 'elevated' });
  if (!parsed.definition) throw new Error(`bench definition invalid: ${JSON.stringify(parsed.problems)}`);
  const definition = parsed.definition;
  const inputs = resolveRunInputs(definition, {}).values;
  // The same start call the API makes (apps/api/src/runs/temporal-run-engine.ts), minus the API.
  const direct = runner(`Warden, no API: ${opts.steps} http steps`, START_RPC, async () => {
    const runId = randomUUID();
    const args: RunArgs = {
      runId,
      tenantId: opts.tenantId,
      workflowId: sequentialId,
      workflowName: definition.name,
      workflowVersion: 1,
      definition,
      inputs,
      profile: 'elevated',
    };
    const workflowId = temporalWorkflowIdFor(runId);
    const t0 = performance.now();
    const handle = await wardenClient.workflow.start<typeof wardenRun>(WARDEN_WORKFLOW_TYPE, {
      taskQueue: taskQueueFor(opts.tenantId),
      workflowId,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [args],
      memo: { tenantId: opts.tenantId },
      workflowTaskTimeout: WARDEN_WORKFLOW_TASK_TIMEOUT,
    });
    const startMs = performance.now() - t0;
    checkSucceeded(await handle.result(), opts.steps);
    return { workflowId, startMs };
  });

  return {
    raw,
    warden: runner(`Warden: ${opts.steps} http steps`, START_API, throughApi(sequentialId)),
    pure: runner(`Warden: ${opts.steps} transform steps`, START_API, throughApi(pureId)),
    direct,
  };
}
