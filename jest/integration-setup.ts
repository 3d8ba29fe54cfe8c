// Jest globalSetup of the integration tier: ONE real Temporal dev server, ONE fresh database
// and ONE workflow bundle for the whole run, handed to the tests through process.env.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestDatabase,
  describeTemporalCli,
  redactUrl,
  resolveTemporalCli,
  startTemporalDevServer,
} from '@warden/devstack';
import { bundleWardenWorkflows } from '@warden/engine';
import { saveContext, say, type IntegrationContext } from './integration-context';
import teardown from './integration-teardown';

export default async function integrationSetup(): Promise<void> {
  const started = Date.now();
  process.stdout.write('\n');
  const context: IntegrationContext = {};
  saveContext(context);
  try {
    // No fallback to a fake: if no real Temporal CLI can be found or built, the run fails here.
    const cli = await resolveTemporalCli({ onProgress: say });
    say(`Temporal CLI: ${describeTemporalCli(cli)}`);

    context.tempDir = await mkdtemp(join(tmpdir(), 'warden-it-'));
    context.temporal = await startTemporalDevServer({
      cli,
      dataDir: join(context.tempDir, 'temporal'),
      ui: false,
    });
    say(`Temporal dev server: ${context.temporal.address} (namespace default, state in ${context.tempDir})`);

    context.database = await createTestDatabase({ onProgress: say });
    say(`PostgreSQL: ${redactUrl(context.database.url)} (${context.database.source})`);

    const bundlePath = join(context.tempDir, 'workflow-bundle.js');
    await bundleWardenWorkflows(bundlePath);
    say(`workflow bundle: ${bundlePath}`);

    process.env.TEMPORAL_ADDRESS = context.temporal.address;
    process.env.TEMPORAL_NAMESPACE = 'default';
    process.env.DATABASE_URL = context.database.url;
    process.env.WARDEN_WORKFLOW_BUNDLE = bundlePath;
    say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    say(`setup failed: ${error instanceof Error ? error.message : String(error)}`);
    await teardown();
    throw error;
  }
}
