/**
 * Records Temporal histories of the example workflows into tests/fixtures/histories/, for the
 * replay test (tests/replay.int.spec.ts). Record a new scenario by name (re-recording the others
 * would replace the histories that guard older workflow code):
 *
 *   node -r @swc-node/register libs/engine/scripts/record-histories.ts [scenario ...]
 *
 * Uses TEMPORAL_ADDRESS when set, else starts a throwaway dev server.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { parseWorkflow, resolveRunInputs } from '@warden/definition';
import { startTemporalDevServer } from '@warden/devstack';
import { compilePluginSource } from '@warden/plugins';
import { createFetchBroker, DEFAULT_SANDBOX_LIMITS, SandboxManager } from '@warden/sandbox';
import {
  approvalSignal,
  createWardenWorker,
  runStateQuery,
  taskQueueFor,
  temporalWorkflowIdFor,
  WARDEN_WORKFLOW_TYPE,
  type LoadedPlugin,
  type PluginHost,
  type RunArgs,
} from '../src';

const ROOT = join(__dirname, '..', '..', '..');
const OUT_DIR = join(ROOT, 'tests', 'fixtures', 'histories');
const TENANT = 'history-recorder';

interface Scenario {
  name: string;
  example: string;
  inputs: (flakyUrl: string) => Record<string, unknown>;
  /** Inputs the API would refuse, to record a run that fails inside the workflow. */
  skipInputValidation?: boolean;
  drive?: (handle: WorkflowHandle) => Promise<void>;
  /** Plugin versions pinned for its steps, as the API pins them when the workflow is saved. */
  plugins?: RunArgs['plugins'];
}

/** The example plugin step's plugin, served from memory by the recorder's plugin host. */
const GREETER_SOURCE = `export default {
  run(input, ctx) {
    ctx.log('info', 'greeting ' + input.who);
    return { greeting: 'Hello ' + input.who + (ctx.config.punctuation ?? '') };
  },
};`;
const GREETER_PIN = { id: 'acme.greeter', version: '1.0.0', digest: 'recorded-greeter' };

function greeterHost(sandbox: SandboxManager): PluginHost {
  const plugin: LoadedPlugin = {
    pin: GREETER_PIN,
    code: compilePluginSource(GREETER_SOURCE, 'javascript'),
    signingKeyId: 'recorder',
    checkInput: () => [],
    limits: DEFAULT_SANDBOX_LIMITS,
    allowedHosts: [],
    credentialSlots: [],
    requireOsSandbox: false,
  };
  return { load: async () => plugin, execute: (job) => sandbox.execute(job), record: async () => undefined };
}

async function untilWaiting(handle: WorkflowHandle, stepId: string): Promise<void> {
  for (;;) {
    const state = await handle.query(runStateQuery);
    if (state.steps[stepId]?.status === 'waiting') return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const SCENARIOS: Scenario[] = [
  { name: 'hello-world', example: 'hello-world', inputs: () => ({}) },
  { name: 'hello-world-ada', example: 'hello-world', inputs: () => ({ name: 'Ada' }) },
  {
    name: 'deploy-application-assert-fails',
    example: 'deploy-application',
    inputs: () => ({ environment: 'qa', version: 'latest' }),
    skipInputValidation: true,
  },
  { name: 'diamond', example: 'diamond', inputs: () => ({}) },
  { name: 'http-retry', example: 'http-retry', inputs: (url) => ({ url }) },
  {
    name: 'approval-approved',
    example: 'approval',
    inputs: () => ({}),
    drive: async (handle) => {
      await untilWaiting(handle, 'request');
      await handle.signal(approvalSignal, { stepId: 'request', decision: 'approve', approver: 'recorder' });
    },
  },
  {
    name: 'plugin-greeting',
    example: 'plugin-greeting',
    inputs: () => ({ who: 'Grace' }),
    plugins: { greet: GREETER_PIN },
  },
  {
    name: 'plugin-chain',
    example: 'plugin-chain',
    inputs: () => ({ who: 'Grace' }),
    plugins: { greet: GREETER_PIN, 'greet-again': GREETER_PIN },
  },
  {
    name: 'approval-cancelled',
    example: 'approval',
    inputs: () => ({}),
    drive: async (handle) => {
      await untilWaiting(handle, 'request');
      await handle.cancel();
    },
  },
];

/** Fails twice, then answers: the http-retry example's retries end up in its history. */
function startFlakyServer(): Promise<{ url: string; close(): void }> {
  let calls = 0;
  const server = createServer((_req, res) => {
    calls++;
    res.writeHead(calls % 3 === 0 ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ calls }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/flaky`,
        close: () => server.close(),
      }),
    ),
  );
}

async function argsFor(scenario: Scenario, flakyUrl: string): Promise<RunArgs> {
  const text = await readFile(join(ROOT, 'examples', `${scenario.example}.yaml`), 'utf8');
  const { definition, problems } = parseWorkflow(text, { filename: `${scenario.example}.yaml` });
  if (!definition) throw new Error(`examples/${scenario.example}.yaml: ${JSON.stringify(problems)}`);
  const provided = scenario.inputs(flakyUrl);
  const resolved = resolveRunInputs(definition, provided);
  if (!scenario.skipInputValidation && resolved.problems.length > 0) {
    throw new Error(`${scenario.name}: ${JSON.stringify(resolved.problems)}`);
  }
  return {
    runId: randomUUID(),
    tenantId: TENANT,
    workflowId: randomUUID(),
    workflowName: definition.name,
    workflowVersion: 1,
    definition,
    inputs: scenario.skipInputValidation ? provided : resolved.values,
    profile: 'elevated',
    ...(scenario.plugins ? { plugins: scenario.plugins } : {}),
  };
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const server = process.env.TEMPORAL_ADDRESS ? undefined : await startTemporalDevServer({ ui: false });
  const address = process.env.TEMPORAL_ADDRESS ?? server?.address ?? '';
  const flaky = await startFlakyServer();
  const workerConnection = await NativeConnection.connect({ address });
  const sandbox = new SandboxManager({ broker: createFetchBroker(), logger: Runtime.instance().logger });
  const worker = await createWardenWorker({
    connection: workerConnection,
    tenantId: TENANT,
    plugins: greeterHost(sandbox),
  });
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')}`);
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  await mkdir(OUT_DIR, { recursive: true });
  try {
    await worker.runUntil(async () => {
      for (const scenario of SCENARIOS.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
        const args = await argsFor(scenario, flaky.url);
        const handle = await client.workflow.start(WARDEN_WORKFLOW_TYPE, {
          taskQueue: taskQueueFor(TENANT),
          workflowId: temporalWorkflowIdFor(args.runId),
          args: [args],
        });
        await scenario.drive?.(handle);
        await handle.result().catch(() => undefined);
        const history = await handle.fetchHistory();
        // The proto classes' own toJSON gives proto3 JSON (int64 as strings, enums by name), the format
        // `temporal workflow show -o json` writes and Worker.runReplayHistories reads.
        await writeFile(join(OUT_DIR, `${scenario.name}.json`), `${JSON.stringify(history, null, 1)}\n`);
        process.stdout.write(`recorded ${scenario.name} (${(await handle.describe()).status.name})\n`);
      }
    });
  } finally {
    sandbox.close();
    flaky.close();
    await connection.close();
    await workerConnection.close();
    await server?.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`record-histories: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
