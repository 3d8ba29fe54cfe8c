import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseWorkflow, resolveRunInputs, type WorkflowDefinition } from '@warden/definition';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import {
  getRunState,
  RunNotFoundError,
  taskQueueFor,
  temporalWorkflowIdFor,
  WARDEN_WORKFLOW_TYPE,
} from '@warden/engine';
import { aWorkflow, shellStep, startEngineHarness, type EngineHarness } from './engine-harness';

// Real servers and processes: Jest's 5 s default is too short (a project-level testTimeout is ignored).
jest.setTimeout(60_000);

let h: EngineHarness;

beforeAll(async () => {
  h = await startEngineHarness();
});

afterAll(async () => {
  await h?.close();
});

async function example(name: string): Promise<WorkflowDefinition> {
  const text = await readFile(join(__dirname, '..', 'examples', `${name}.yaml`), 'utf8');
  const { definition, problems } = parseWorkflow(text, { filename: `${name}.yaml` });
  if (!definition) throw new Error(`examples/${name}.yaml is invalid: ${JSON.stringify(problems)}`);
  return definition;
}

function inputsFor(def: WorkflowDefinition, provided: Record<string, unknown>): Record<string, unknown> {
  const { values, problems } = resolveRunInputs(def, provided);
  if (problems.length > 0) throw new Error(`bad inputs: ${JSON.stringify(problems)}`);
  return values;
}

describe('interpreter on a real Temporal server', () => {
  test('hello-world greets the default name, then Ada', async () => {
    const def = await example('hello-world');
    const first = await (await h.start(def, inputsFor(def, {}))).finalState();
    expect(first.status).toBe('succeeded');
    expect(first.steps.greet).toMatchObject({ status: 'succeeded', exit_code: 0, attempts: 1 });
    expect(first.steps.greet.outputs.stdout).toBe('Hello Developer!\n');

    const second = await (await h.start(def, inputsFor(def, { name: 'Ada' }))).finalState();
    expect(second.steps.greet.outputs.stdout).toBe('Hello Ada!\n');
    expect(second.steps.greet.startedAt).toBeDefined();
    expect(second.finishedAt).toBeDefined();
  });

  test('a failing assert fails the run with its message, and cancels the branch still running', async () => {
    const def = await example('deploy-application');
    // Inputs are checked before a run starts (the API refuses 'qa'); start directly to reach the assert.
    const run = await h.start(def, { environment: 'qa', version: 'latest' });
    await expect(run.handle.result()).rejects.toThrow();
    const state = await run.state();
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({ code: 'assertion_failed', stepId: 'validate-environment' });
    expect(state.steps['validate-environment'].error).toEqual({
      code: 'assertion_failed',
      message: 'Invalid environment specified',
    });
    expect(state.steps['run-tests'].status).toBe('cancelled');
    // Cancelled tests have no exit code, and a missing value never equals 0: deploy stays skipped.
    expect(state.steps.deploy.status).toBe('skipped');
  });

  test("deploy-application as written: failing tests make deploy's `when` false, so deploy is skipped", async () => {
    // `npm test` runs in the step's fresh, empty work folder, so it fails (no package.json), is
    // retried once after its 30 s delay, and fails again; deploy's own `when` then decides.
    const def = await example('deploy-application');
    const run = await h.start(def, inputsFor(def, { environment: 'dev' }));
    await expect(run.handle.result()).rejects.toThrow();
    const state = await run.state();
    expect(state.steps['validate-environment'].status).toBe('succeeded');
    expect(state.steps['run-tests']).toMatchObject({ status: 'failed', attempts: 2 });
    expect(state.steps['run-tests'].exit_code).not.toBe(0);
    expect(state.steps.deploy.status).toBe('skipped');
    expect(state).toMatchObject({ status: 'failed', error: { stepId: 'run-tests', code: 'exit_nonzero' } });
  }, 120_000);

  test('a false `when` skips the step; dependants without their own `when` are skipped too', async () => {
    const def = aWorkflow(
      [
        { id: 'check', type: 'transform', output: { ready: "{{ inputs.environment == 'prod' }}" } },
        { id: 'deploy', type: 'noop', depends_on: ['check'], when: 'steps.check.outputs.ready' },
        { id: 'notify', type: 'log', depends_on: ['deploy'], message: 'deployed' },
        {
          id: 'report',
          type: 'transform',
          depends_on: ['deploy'],
          when: "steps.deploy.status == 'skipped'",
          output: { skipped: true },
        },
      ],
      { inputs: { environment: { type: 'string' } } },
    );
    const state = await (await h.start(def, { environment: 'dev' })).finalState();
    expect(state.status).toBe('succeeded');
    expect(state.steps.check.outputs).toEqual({ ready: false });
    expect(state.steps.deploy.status).toBe('skipped');
    expect(state.steps.notify.status).toBe('skipped');
    expect(state.steps.report).toMatchObject({ status: 'succeeded', outputs: { skipped: true } });
  });

  test('outputs flow by value between pure steps and into shell argv', async () => {
    const def = aWorkflow([
      { id: 'build', type: 'transform', output: { tag: 'v{{ 1 == 1 }}', list: ['a', '{{ inputs.who }}'] } },
      { id: 'say', type: 'log', depends_on: ['build'], message: 'tag {{ steps.build.outputs.tag }}' },
      shellStep('echo', 'echo {{ steps.build.outputs.list }} {{ steps.say.outputs.message }}', {
        depends_on: ['say'],
      }),
      { id: 'done', type: 'noop', depends_on: ['echo'] },
    ]);
    const state = await (await h.start(def, { who: 'Ada' })).finalState();
    expect(state.status).toBe('succeeded');
    expect(state.steps.say.outputs).toEqual({ message: 'tag vtrue' });
    expect(state.steps.echo.outputs.stdout).toBe('["a","Ada"] tag vtrue\n');
    expect(state.order).toEqual(['build', 'say', 'echo', 'done']);
  });

  test('shell injection through an input stays one literal argument and creates no file', async () => {
    const marker = join(tmpdir(), `warden-pwned-${randomUUID()}`);
    const def = aWorkflow([shellStep('greet', "echo 'Hello {{ inputs.name }}!'")], {
      inputs: { name: { type: 'string' } },
    });
    const name = `x'; touch ${marker}; echo '`;
    const state = await (await h.start(def, { name })).finalState();
    expect(state.status).toBe('succeeded');
    expect(state.steps.greet.outputs.stdout).toBe(`Hello ${name}!\n`);
    expect(existsSync(marker)).toBe(false);
  });

  test('shell: bash gets values only through env, in a clean environment and a fresh directory', async () => {
    const marker = join(tmpdir(), `warden-pwned-${randomUUID()}`);
    // The worker runs in this process: a secret in its environment must not reach steps.
    process.env.WARDEN_TEST_SECRET = 'do-not-leak';
    const def = aWorkflow([
      shellStep('script', 'printf "%s|%s|%s" "$GREETING" "$(pwd)" "${WARDEN_TEST_SECRET:-unset}"', {
        shell: 'bash',
        env: { GREETING: 'hi {{ inputs.name }}' },
      }),
    ]);
    const name = `$(touch ${marker})`;
    const state = await (await h.start(def, { name })).finalState();
    delete process.env.WARDEN_TEST_SECRET;
    const [greeting, cwd, secret] = String(state.steps.script.outputs.stdout).split('|');
    expect(greeting).toBe(`hi ${name}`);
    expect(existsSync(marker)).toBe(false);
    expect(secret).toBe('unset');
    expect(cwd).toContain('warden-');
    expect(existsSync(cwd)).toBe(false);
  });

  test('a non-zero exit fails the step with its exit code and output; continue_on_error keeps the run going', async () => {
    const def = aWorkflow([
      shellStep('flaky', 'bash -c "echo out; echo err >&2; exit 3"', { continue_on_error: true }),
      {
        id: 'after',
        type: 'transform',
        depends_on: ['flaky'],
        output: { saw: '{{ steps.flaky.exit_code }}' },
      },
    ]);
    const state = await (await h.start(def)).finalState();
    expect(state.status).toBe('succeeded');
    expect(state.steps.flaky).toMatchObject({
      status: 'failed',
      exit_code: 3,
      outputs: { stdout: 'out\n', stderr: 'err\n' },
      error: { code: 'exit_nonzero' },
    });
    expect(state.steps.after.outputs).toEqual({ saw: 3 });
  });

  test('the security profile is enforced before a step runs', async () => {
    const marker = join(tmpdir(), `warden-profile-${randomUUID()}`);
    const def = aWorkflow([shellStep('touch', `touch ${marker}`)]);
    const state = await (await h.start(def, {}, 'standard')).finalState();
    expect(state.status).toBe('failed');
    expect(state.steps.touch.error?.code).toBe('profile_violation');
    expect(existsSync(marker)).toBe(false);
  });

  test('plan_only executes nothing and returns the plan', async () => {
    const marker = join(tmpdir(), `warden-plan-${randomUUID()}`);
    const def = aWorkflow([
      shellStep('touch', `touch ${marker}`),
      { id: 'wait', type: 'delay', duration: 3600, depends_on: ['touch'] },
    ]);
    const state = await (await h.start(def, {}, 'plan_only')).finalState();
    expect(state.status).toBe('succeeded');
    expect(Object.values(state.steps).map((s) => s.status)).toEqual(['skipped', 'skipped']);
    expect(state.plan?.stages).toEqual([['touch'], ['wait']]);
    expect(existsSync(marker)).toBe(false);
  });

  test('the Temporal workflow id derives from the run id: the same run cannot start twice', async () => {
    const def = aWorkflow([{ id: 'wait', type: 'delay', duration: 1 }]);
    const run = await h.start(def);
    const again = h.client.workflow.start(WARDEN_WORKFLOW_TYPE, {
      taskQueue: taskQueueFor(h.tenantId),
      workflowId: temporalWorkflowIdFor(run.runId),
      args: [{}],
    });
    await expect(again).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    expect((await run.finalState()).status).toBe('succeeded');
  });

  test('getRunState names an unknown run with a stable error code', async () => {
    await expect(getRunState(h.client, 'no-such-run')).rejects.toMatchObject({
      constructor: RunNotFoundError,
      code: 'run_not_found',
    });
  });
});
