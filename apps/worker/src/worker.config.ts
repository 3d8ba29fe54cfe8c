import { Command, CommanderError } from 'commander';
import { DEFAULT_TENANT_ID } from '@warden/engine';

/** Raised at boot; names the flag or variable so the operator knows what to fix. */
export class WorkerConfigError extends Error {
  readonly code = 'invalid_worker_config';

  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'WorkerConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** The worker's configuration, read once from argv and the environment and validated. */
export interface WorkerConfig {
  /** --tenant <id>: the tenant whose task queue this worker polls. Default the default tenant. */
  tenantId: string;
  /** TEMPORAL_ADDRESS: host:port of the Temporal frontend. Default 127.0.0.1:7233. */
  temporalAddress: string;
  /** TEMPORAL_NAMESPACE: Temporal namespace. Default 'default'. */
  namespace: string;
  /** WARDEN_WORKFLOW_BUNDLE: path of a prebuilt workflow bundle; absent = bundle at start. */
  workflowBundle?: string;
  /** WARDEN_MAX_CONCURRENT_ACTIVITIES: steps this worker runs at once. Default 100. */
  maxConcurrentActivities: number;
}

/** Tenant ids end up in task queue names: keep them to a safe alphabet. */
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const HOST_PORT = /^[A-Za-z0-9.-]+:(\d{1,5})$/;

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function hostPort(env: Env, name: string, fallback: string): string {
  const value = nonEmpty(env, name) ?? fallback;
  const match = HOST_PORT.exec(value);
  if (match === null || Number(match[1]) < 1 || Number(match[1]) > 65535) {
    throw new WorkerConfigError(name, `expected host:port, got '${value}'`);
  }
  return value;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new WorkerConfigError(name, `expected a positive integer, got '${raw}'`);
  }
  return value;
}

function parseFlags(argv: readonly string[]): { tenant: string } {
  const program = new Command('warden-worker')
    .description('Runs Warden steps for one tenant')
    .option('--tenant <id>', 'tenant whose task queue to poll', DEFAULT_TENANT_ID)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
    .allowExcessArguments(false);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    const message = err instanceof CommanderError ? err.message.replace(/^error: /, '') : String(err);
    throw new WorkerConfigError('argv', message);
  }
  return program.opts<{ tenant: string }>();
}

/** argv excludes node and the script path (process.argv.slice(2)). */
export function loadWorkerConfig(argv: readonly string[], env: Env): WorkerConfig {
  const { tenant } = parseFlags(argv);
  if (!TENANT_ID.test(tenant)) {
    throw new WorkerConfigError(
      '--tenant',
      `'${tenant}' is not a valid tenant id (letters, digits, _ and -)`,
    );
  }
  const workflowBundle = nonEmpty(env, 'WARDEN_WORKFLOW_BUNDLE');
  return {
    tenantId: tenant,
    temporalAddress: hostPort(env, 'TEMPORAL_ADDRESS', '127.0.0.1:7233'),
    namespace: nonEmpty(env, 'TEMPORAL_NAMESPACE') ?? 'default',
    ...(workflowBundle === undefined ? {} : { workflowBundle }),
    maxConcurrentActivities: positiveInt(env, 'WARDEN_MAX_CONCURRENT_ACTIVITIES', 100),
  };
}
