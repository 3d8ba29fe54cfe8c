// Jest globalTeardown of the integration tier: stops what integration-setup.ts started.
import { rm } from 'node:fs/promises';
import { say, takeContext } from './integration-context';

export default async function integrationTeardown(): Promise<void> {
  const { temporal, database, tempDir } = takeContext();
  const results = await Promise.allSettled([temporal?.stop(), database?.drop()]);
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
  for (const result of results) {
    if (result.status === 'rejected') say(`teardown problem: ${String(result.reason)}`);
  }
}
