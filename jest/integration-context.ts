import type { TemporalDevServer, TestDatabase } from '@warden/devstack';

/** What global setup started, for global teardown (both run in Jest's parent process). */
export interface IntegrationContext {
  temporal?: TemporalDevServer;
  database?: TestDatabase;
  tempDir?: string;
}

const KEY = Symbol.for('warden.integration-context');

type WithContext = typeof globalThis & { [KEY]?: IntegrationContext };

export function saveContext(context: IntegrationContext): void {
  (globalThis as WithContext)[KEY] = context;
}

export function takeContext(): IntegrationContext {
  const holder = globalThis as WithContext;
  const context = holder[KEY] ?? {};
  delete holder[KEY];
  return context;
}

export function say(line: string): void {
  process.stdout.write(`[integration] ${line}\n`);
}
