import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { tenantDataConverter } from '@warden/crypto';
import { WORKFLOWS_PATH } from '@warden/engine';
import { inMemoryKeyRing, quietRuntime } from './engine-harness';

// Real servers and processes: Jest's 5 s default is too short (a project-level testTimeout is ignored).
jest.setTimeout(60_000);

/**
 * Replays the histories recorded from the example runs (libs/engine/scripts/record-histories.ts)
 * against the current workflow code: a change that would break running workflows fails here.
 */
const DIR = join(__dirname, 'fixtures', 'histories');

interface RecordedHistory {
  workflowId: string;
  history: { events: Array<Record<string, unknown>> };
}

async function recordedHistories(): Promise<RecordedHistory[]> {
  const files = (await readdir(DIR)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (f) => ({
      workflowId: f.replace(/\.json$/, ''),
      history: JSON.parse(await readFile(join(DIR, f), 'utf8')) as RecordedHistory['history'],
    })),
  );
}

/** A production worker's converter: recorded before encryption, the plaintext payloads still read. */
function replayOptions(): ReplayWorkerOptions {
  const bundle = process.env.WARDEN_WORKFLOW_BUNDLE;
  const dataConverter = tenantDataConverter(inMemoryKeyRing(), 'replay');
  return bundle
    ? { workflowBundle: { codePath: bundle }, dataConverter }
    : { workflowsPath: WORKFLOWS_PATH, dataConverter };
}

async function replayErrors(histories: RecordedHistory[]): Promise<Record<string, string>> {
  const errors: Record<string, string> = {};
  // The recorder writes the proto classes' own JSON form, so the classes read it back. (The SDK's
  // historyFromJSON would also do, but trips over the two protobufjs copies npm installed here.)
  const decoded = histories.map((h) => ({
    workflowId: h.workflowId,
    history: temporal.api.history.v1.History.fromObject(h.history),
  }));
  for await (const result of Worker.runReplayHistories(replayOptions(), decoded)) {
    if (result.error) errors[result.workflowId] = `${result.error.name}: ${result.error.message}`;
  }
  return errors;
}

beforeAll(quietRuntime);

test('every recorded example history replays without nondeterminism', async () => {
  const histories = await recordedHistories();
  expect(histories.map((h) => h.workflowId)).toEqual(
    expect.arrayContaining([
      'hello-world',
      'deploy-application-assert-fails',
      'diamond',
      'approval-approved',
      'http-retry',
      'plugin-greeting',
      // Two chained plugin steps: one local activity under the plugin-chains patch, and the same
      // definition recorded before chains existed (one local activity a step) still replays.
      'plugin-chain',
      'plugin-chain-before-fusion',
    ]),
  );
  expect(await replayErrors(histories)).toEqual({});
});

test('an incompatible change is caught: a history whose step ran another activity fails replay', async () => {
  const [hello] = (await recordedHistories()).filter((h) => h.workflowId === 'hello-world');
  const tampered = structuredClone(hello);
  const scheduled = tampered.history.events.find((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED');
  const attrs = scheduled?.activityTaskScheduledEventAttributes as
    { activityType: { name: string } } | undefined;
  if (attrs === undefined) throw new Error('hello-world history has no scheduled activity');
  attrs.activityType.name = 'runHttp';
  const errors = await replayErrors([{ ...tampered, workflowId: 'tampered' }]);
  expect(errors.tampered).toMatch(/nondetermin/i);
});
