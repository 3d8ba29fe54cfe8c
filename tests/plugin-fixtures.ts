/**
 * Shared steps of the plugin tests that go through the API: publish a signed plugin, start runs
 * and wait for them. Every call goes over real HTTP to the harness's API.
 */
import { pluginDigest, signPluginDigest, type PluginManifest } from '@warden/plugins';
import type { ApiHarness } from './api-harness';

export interface StepView {
  id: string;
  status: string;
  outputs: Record<string, unknown>;
  error?: { code: string; message: string };
  attempts?: number;
}

export interface RunView {
  runId: string;
  status: string;
  steps: StepView[];
}

export const TERMINAL_RUN_STATUSES: ReadonlySet<string> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
]);

export interface PublisherKey {
  keyId: string;
  privateKeyPem: string;
}

/** Registers `manifest` and `source` signed with `key` (trusted already), makes it ACTIVE, returns the digest. */
export async function publishSigned(
  api: ApiHarness,
  manifest: PluginManifest,
  source: string,
  key: PublisherKey,
  token?: string,
): Promise<string> {
  const digest = pluginDigest(manifest, source);
  const registered = await api.call('POST', '/v1/plugins', {
    ...(token ? { token } : {}),
    json: {
      manifest,
      source,
      signature: { keyId: key.keyId, signature: signPluginDigest(digest, key.privateKeyPem) },
    },
  });
  expect(registered.status).toBe(201);
  const activated = await api.call('POST', `/v1/plugins/${manifest.id}/versions/${manifest.version}/status`, {
    ...(token ? { token } : {}),
    json: { status: 'ACTIVE' },
  });
  expect(activated.status).toBe(200);
  return digest;
}

export async function startRun(
  api: ApiHarness,
  workflowId: string,
  inputs: Record<string, unknown> = {},
  token?: string,
): Promise<string> {
  const started = await api.call<{ runId: string }>('POST', `/v1/workflows/${workflowId}/runs`, {
    ...(token ? { token } : {}),
    json: { inputs },
  });
  expect(started.status).toBe(202);
  return started.body.runId;
}

/** Polls the run until `done` holds (a minute at most). */
export async function waitForRun(
  api: ApiHarness,
  runId: string,
  done: (view: RunView) => boolean = (view) => TERMINAL_RUN_STATUSES.has(view.status),
  token?: string,
): Promise<RunView> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    const view = await api.call<RunView>('GET', `/v1/runs/${runId}`, token ? { token } : {});
    if (done(view.body)) return view.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId} did not get there in time`);
}

/** Starts a run and waits for its end. */
export async function runToEnd(
  api: ApiHarness,
  workflowId: string,
  inputs: Record<string, unknown> = {},
  token?: string,
): Promise<RunView> {
  return waitForRun(api, await startRun(api, workflowId, inputs, token), undefined, token);
}
