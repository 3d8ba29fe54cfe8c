import { Command, CommanderError } from 'commander';
import { isValidTenantSlug } from '@warden/engine';
import { parsePlatformPublisherKeys, PluginError, type PlatformPublisherKey } from '@warden/plugins';

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

/** Which task queues the process polls: one tenant's, or every pooled tenant's. */
export type WorkerMode = { kind: 'tenant'; slug: string } | { kind: 'pool'; pool: 'shared' };

/** The worker's configuration, read once from argv and the environment and validated. */
export interface WorkerConfig {
  /** --tenant <slug> (that tenant only, dedicated or pooled) or --pool shared (every pooled tenant). */
  mode: WorkerMode;
  /** DATABASE_URL: PostgreSQL holding the tenants. Default postgresql://warden@127.0.0.1:5432/warden. Sensitive. */
  databaseUrl: string;
  /** TEMPORAL_ADDRESS: host:port of the Temporal frontend. Default 127.0.0.1:7233. */
  temporalAddress: string;
  /** TEMPORAL_NAMESPACE: namespace of the pooled tenants (the pool polls there). Default 'default'. */
  namespace: string;
  /** WARDEN_WORKFLOW_BUNDLE: path of a prebuilt workflow bundle; absent = bundle at start. */
  workflowBundle?: string;
  /** WARDEN_MAX_CONCURRENT_ACTIVITIES: steps each tenant's worker runs at once. Default 100. */
  maxConcurrentActivities: number;
  /** WARDEN_TENANT_REFRESH_MS: how often the pool re-reads its tenants. Default 10000. */
  tenantRefreshMs: number;
  /**
   * WARDEN_PLATFORM_PUBLISHER_KEYS: JSON list of `{name, publicKeyPem}` whose plugin signatures
   * every tenant accepts (the API reads the same variable). Default none.
   */
  platformKeys: PlatformPublisherKey[];
  /**
   * WARDEN_SANDBOX_REQUIRE_OS: `true` refuses to run plugins when bubblewrap cannot start,
   * instead of falling back to a plain child process with a warning. Default false.
   */
  requireOsSandbox: boolean;
  /** WARDEN_METRICS_PORT: serve Prometheus metrics at `GET /metrics` on this port. Default off. */
  metricsPort?: number;
  /** WARDEN_METRICS_HOST: address the metrics endpoint listens on. Default 0.0.0.0. */
  metricsHost: string;
}

export const DEFAULT_DATABASE_URL = 'postgresql://warden@127.0.0.1:5432/warden';

const HOST_PORT = /^[A-Za-z0-9.-]+:(\d{1,5})$/;
const POOLS = ['shared'] as const;

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

function platformKeys(env: Env, name: string): PlatformPublisherKey[] {
  try {
    return parsePlatformPublisherKeys(env[name]);
  } catch (err) {
    if (err instanceof PluginError) throw new WorkerConfigError(name, err.message);
    throw err;
  }
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new WorkerConfigError(name, `expected true or false, got '${raw}'`);
}

function databaseUrl(env: Env): string {
  const raw = nonEmpty(env, 'DATABASE_URL') ?? DEFAULT_DATABASE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Never echo it: an unparsable URL may still hold a password.
    throw new WorkerConfigError('DATABASE_URL', 'is not a valid URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new WorkerConfigError(
      'DATABASE_URL',
      `must use postgres:// or postgresql://, got '${url.protocol}//'`,
    );
  }
  return raw;
}

function parseFlags(argv: readonly string[]): { tenant?: string; pool?: string } {
  const program = new Command('warden-worker')
    .description('Runs Warden steps for one tenant or for the shared pool of tenants')
    .option('--tenant <slug>', "one tenant's task queue, in its namespace (dedicated or pooled)")
    .option('--pool <name>', "every pooled tenant's task queue ('shared')")
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
    .allowExcessArguments(false);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    const message = err instanceof CommanderError ? err.message.replace(/^error: /, '') : String(err);
    throw new WorkerConfigError('argv', message);
  }
  return program.opts<{ tenant?: string; pool?: string }>();
}

function workerMode(flags: { tenant?: string; pool?: string }): WorkerMode {
  if (flags.tenant !== undefined && flags.pool !== undefined) {
    throw new WorkerConfigError(
      '--tenant',
      'cannot be combined with --pool: a worker serves one or the other',
    );
  }
  if (flags.tenant !== undefined) {
    if (!isValidTenantSlug(flags.tenant)) {
      throw new WorkerConfigError(
        '--tenant',
        `'${flags.tenant}' is not a valid tenant slug (lowercase letters, digits and '-')`,
      );
    }
    return { kind: 'tenant', slug: flags.tenant };
  }
  if (flags.pool !== undefined) {
    const pool = POOLS.find((p) => p === flags.pool);
    if (pool === undefined) {
      throw new WorkerConfigError('--pool', `unknown pool '${flags.pool}' (known: ${POOLS.join(', ')})`);
    }
    return { kind: 'pool', pool };
  }
  throw new WorkerConfigError('argv', 'one of --tenant <slug> or --pool shared is required');
}

/** argv excludes node and the script path (process.argv.slice(2)). */
export function loadWorkerConfig(argv: readonly string[], env: Env): WorkerConfig {
  const mode = workerMode(parseFlags(argv));
  const workflowBundle = nonEmpty(env, 'WARDEN_WORKFLOW_BUNDLE');
  const metricsPort =
    nonEmpty(env, 'WARDEN_METRICS_PORT') === undefined
      ? undefined
      : positiveInt(env, 'WARDEN_METRICS_PORT', 0);
  if (metricsPort !== undefined && metricsPort > 65535) {
    throw new WorkerConfigError('WARDEN_METRICS_PORT', `expected a port (1-65535), got '${metricsPort}'`);
  }
  return {
    mode,
    databaseUrl: databaseUrl(env),
    temporalAddress: hostPort(env, 'TEMPORAL_ADDRESS', '127.0.0.1:7233'),
    namespace: nonEmpty(env, 'TEMPORAL_NAMESPACE') ?? 'default',
    ...(workflowBundle === undefined ? {} : { workflowBundle }),
    maxConcurrentActivities: positiveInt(env, 'WARDEN_MAX_CONCURRENT_ACTIVITIES', 100),
    tenantRefreshMs: positiveInt(env, 'WARDEN_TENANT_REFRESH_MS', 10_000),
    platformKeys: platformKeys(env, 'WARDEN_PLATFORM_PUBLISHER_KEYS'),
    requireOsSandbox: bool(env, 'WARDEN_SANDBOX_REQUIRE_OS', false),
    ...(metricsPort === undefined ? {} : { metricsPort }),
    metricsHost: nonEmpty(env, 'WARDEN_METRICS_HOST') ?? '0.0.0.0',
  };
}

/** For logs: every setting by its variable name, the database password masked. */
export function describeWorkerConfig(config: WorkerConfig): Record<string, string | number> {
  return {
    mode: config.mode.kind === 'tenant' ? `--tenant ${config.mode.slug}` : `--pool ${config.mode.pool}`,
    DATABASE_URL: maskUrlPassword(config.databaseUrl),
    TEMPORAL_ADDRESS: config.temporalAddress,
    TEMPORAL_NAMESPACE: config.namespace,
    WARDEN_WORKFLOW_BUNDLE: config.workflowBundle ?? '(bundled at start)',
    WARDEN_MAX_CONCURRENT_ACTIVITIES: config.maxConcurrentActivities,
    WARDEN_TENANT_REFRESH_MS: config.tenantRefreshMs,
    WARDEN_PLATFORM_PUBLISHER_KEYS:
      config.platformKeys.map((k) => `${k.name} (${k.keyId})`).join(', ') || '(none)',
    WARDEN_SANDBOX_REQUIRE_OS: String(config.requireOsSandbox),
    WARDEN_METRICS_PORT: config.metricsPort ?? '(off)',
    WARDEN_METRICS_HOST: config.metricsHost,
  };
}

function maskUrlPassword(raw: string): string {
  const url = new URL(raw);
  if (url.password) url.password = '***';
  return url.toString();
}
