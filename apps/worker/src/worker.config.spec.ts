import { generatePublisherKeyPair } from '@warden/plugins';
import {
  DEFAULT_DATABASE_URL,
  describeWorkerConfig,
  loadWorkerConfig,
  WorkerConfigError,
} from './worker.config';

describe('loadWorkerConfig', () => {
  test('reads the platform publisher keys and the OS-sandbox requirement', () => {
    const { publicKeyPem, keyId } = generatePublisherKeyPair();
    const config = loadWorkerConfig(['--pool', 'shared'], {
      WARDEN_PLATFORM_PUBLISHER_KEYS: JSON.stringify([{ name: 'ops', publicKeyPem }]),
      WARDEN_SANDBOX_REQUIRE_OS: 'true',
      WARDEN_METRICS_PORT: '9464',
    });
    expect(config.metricsPort).toBe(9464);
    expect(config.platformKeys).toEqual([{ name: 'ops', keyId, publicKeyPem }]);
    expect(config.requireOsSandbox).toBe(true);
  });

  test('--pool shared with the defaults: local Temporal and database, default namespace, bundling at start', () => {
    expect(loadWorkerConfig(['--pool', 'shared'], {})).toEqual({
      mode: { kind: 'pool', pool: 'shared' },
      databaseUrl: DEFAULT_DATABASE_URL,
      temporalAddress: '127.0.0.1:7233',
      namespace: 'default',
      maxConcurrentActivities: 100,
      tenantRefreshMs: 10_000,
      platformKeys: [],
      requireOsSandbox: false,
      metricsHost: '0.0.0.0',
    });
  });

  test('reads --tenant <slug> and the environment', () => {
    const config = loadWorkerConfig(['--tenant', 'acme'], {
      DATABASE_URL: 'postgres://warden:s3cret@db.internal:5432/warden',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'warden',
      WARDEN_WORKFLOW_BUNDLE: '/opt/warden/bundle.js',
      WARDEN_MAX_CONCURRENT_ACTIVITIES: '8',
      WARDEN_TENANT_REFRESH_MS: '2500',
    });
    expect(config).toEqual({
      mode: { kind: 'tenant', slug: 'acme' },
      databaseUrl: 'postgres://warden:s3cret@db.internal:5432/warden',
      temporalAddress: 'temporal.internal:7233',
      namespace: 'warden',
      workflowBundle: '/opt/warden/bundle.js',
      maxConcurrentActivities: 8,
      tenantRefreshMs: 2500,
      platformKeys: [],
      requireOsSandbox: false,
      metricsHost: '0.0.0.0',
    });
  });

  test('the description for the logs masks the database password', () => {
    const config = loadWorkerConfig(['--tenant', 'acme'], {
      DATABASE_URL: 'postgres://warden:s3cret@db.internal:5432/warden',
    });
    const described = describeWorkerConfig(config);
    expect(described).toMatchObject({
      mode: '--tenant acme',
      DATABASE_URL: 'postgres://warden:***@db.internal:5432/warden',
    });
    expect(JSON.stringify(described)).not.toContain('s3cret');
  });

  test.each([
    [[], {}, 'argv', 'one of --tenant <slug> or --pool shared is required'],
    [['--tenant', 'acme', '--pool', 'shared'], {}, '--tenant', 'cannot be combined with --pool'],
    [['--tenant', 'bad tenant!'], {}, '--tenant', 'not a valid tenant slug'],
    [['--tenant', '00000000-0000-0000-0000-00000000000A'], {}, '--tenant', 'not a valid tenant slug'],
    [['--pool', 'private'], {}, '--pool', "unknown pool 'private'"],
    [['--tenant'], {}, 'argv', 'argument missing'],
    [['--unknown'], {}, 'argv', "unknown option '--unknown'"],
    [['--pool', 'shared'], { TEMPORAL_ADDRESS: 'no-port' }, 'TEMPORAL_ADDRESS', 'expected host:port'],
    [['--pool', 'shared'], { TEMPORAL_ADDRESS: 'host:99999' }, 'TEMPORAL_ADDRESS', 'expected host:port'],
    [['--pool', 'shared'], { DATABASE_URL: 'mysql://x:pw@y/z' }, 'DATABASE_URL', 'must use postgres://'],
    [['--pool', 'shared'], { DATABASE_URL: 'pw-only :: nonsense' }, 'DATABASE_URL', 'is not a valid URL'],
    [
      ['--pool', 'shared'],
      { WARDEN_MAX_CONCURRENT_ACTIVITIES: '0' },
      'WARDEN_MAX_CONCURRENT_ACTIVITIES',
      'positive integer',
    ],
    [
      ['--pool', 'shared'],
      { WARDEN_TENANT_REFRESH_MS: '1.5' },
      'WARDEN_TENANT_REFRESH_MS',
      'positive integer',
    ],
    [
      ['--pool', 'shared'],
      { WARDEN_PLATFORM_PUBLISHER_KEYS: '[{"name":"ops","publicKeyPem":"nope"}]' },
      'WARDEN_PLATFORM_PUBLISHER_KEYS',
      'entry 0',
    ],
    [
      ['--pool', 'shared'],
      { WARDEN_SANDBOX_REQUIRE_OS: 'yes' },
      'WARDEN_SANDBOX_REQUIRE_OS',
      'true or false',
    ],
    [['--pool', 'shared'], { WARDEN_METRICS_PORT: '70000' }, 'WARDEN_METRICS_PORT', 'expected a port'],
    [['--pool', 'shared'], { WARDEN_METRICS_PORT: 'x' }, 'WARDEN_METRICS_PORT', 'positive integer'],
  ])('%j %j is refused naming %s', (argv, env, variable, message) => {
    let error: unknown;
    try {
      loadWorkerConfig(argv, env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WorkerConfigError);
    expect(error).toMatchObject({ variable, code: 'invalid_worker_config' });
    expect((error as Error).message).toContain(message);
  });
});
