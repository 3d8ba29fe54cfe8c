import { DEFAULT_TENANT_ID } from '@warden/engine';
import { loadWorkerConfig, WorkerConfigError } from './worker.config';

describe('loadWorkerConfig', () => {
  test('defaults: default tenant, local Temporal, default namespace, bundling at start', () => {
    expect(loadWorkerConfig([], {})).toEqual({
      tenantId: DEFAULT_TENANT_ID,
      temporalAddress: '127.0.0.1:7233',
      namespace: 'default',
      maxConcurrentActivities: 100,
    });
  });

  test('reads --tenant and the environment', () => {
    const config = loadWorkerConfig(['--tenant', 'acme'], {
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'warden',
      WARDEN_WORKFLOW_BUNDLE: '/opt/warden/bundle.js',
      WARDEN_MAX_CONCURRENT_ACTIVITIES: '8',
    });
    expect(config).toEqual({
      tenantId: 'acme',
      temporalAddress: 'temporal.internal:7233',
      namespace: 'warden',
      workflowBundle: '/opt/warden/bundle.js',
      maxConcurrentActivities: 8,
    });
  });

  test.each([
    [['--tenant', 'bad tenant!'], {}, '--tenant'],
    [['--tenant'], {}, 'argv'],
    [['--unknown'], {}, 'argv'],
    [[], { TEMPORAL_ADDRESS: 'no-port' }, 'TEMPORAL_ADDRESS'],
    [[], { TEMPORAL_ADDRESS: 'host:99999' }, 'TEMPORAL_ADDRESS'],
    [[], { WARDEN_MAX_CONCURRENT_ACTIVITIES: '0' }, 'WARDEN_MAX_CONCURRENT_ACTIVITIES'],
  ])('%j %j is refused naming %s', (argv, env, variable) => {
    let error: unknown;
    try {
      loadWorkerConfig(argv, env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WorkerConfigError);
    expect(error).toMatchObject({ variable, code: 'invalid_worker_config' });
  });
});
