// Runs before `npm test` and `npm start`: finds or builds the Temporal CLI, local-kms and the plugin
// sandbox's native parts with visible progress, so a first run on a fresh machine builds them here instead
// of silently inside Jest's setup.
import {
  describeTemporalCli,
  ensureBubblewrap,
  ensureIsolatedVm,
  ensureLocalKms,
  resolveTemporalCli,
  temporalCliCachePath,
} from '@warden/devstack';
import { isolatedVmAddon } from '@warden/sandbox';

async function main(): Promise<void> {
  const say = (line: string) => process.stdout.write(`[setup-tools] ${line}\n`);
  const cli = await resolveTemporalCli({ onProgress: say });
  say(`Temporal CLI: ${describeTemporalCli(cli)}`);
  if (cli.source === 'sdk-download')
    say(`to work offline, put a temporal binary at ${temporalCliCachePath()}`);
  // The plugin sandbox: the OS layer (bubblewrap) and the isolate layer (isolated-vm's addon).
  ensureBubblewrap(say);
  await ensureIsolatedVm(isolatedVmAddon(), say);
  // Only the AWS KMS key provider's tests need local-kms: without it `npm start` still works.
  try {
    say(`local-kms: ${await ensureLocalKms({ onProgress: say })}`);
  } catch (error) {
    say(`local-kms unavailable, the KMS provider's tests will fail: ${(error as Error).message}`);
  }
}

main().catch((error: unknown) => {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? ` [${String(error.code)}]` : '';
  process.stderr.write(
    `[setup-tools] failed${code}: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
