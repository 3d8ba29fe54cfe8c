import { devOptions, devServices } from './dev';

const ctx = {
  databaseUrl: 'postgresql://warden:pw@127.0.0.1:5433/warden',
  temporalAddress: '127.0.0.1:7233',
  temporalNamespace: 'default',
  apiPort: 3000,
};

describe('devOptions', () => {
  it('keeps data in the checkout by default', () => {
    expect(devOptions({}, '/somewhere', '/repo')).toEqual({
      dataDir: '/repo/.warden/data',
      repoRoot: '/repo',
    });
  });

  it('takes --data-dir relative to the working directory', () => {
    expect(devOptions({ dataDir: 'state' }, '/work', '/repo').dataDir).toBe('/work/state');
    expect(devOptions({ dataDir: '/abs' }, '/work', '/repo').dataDir).toBe('/abs');
  });
});

describe('devServices', () => {
  it('runs the API and the worker from source with the stack wired in', () => {
    const [api, worker] = devServices(ctx, '/repo', { PATH: '/bin' });
    expect(api).toMatchObject({
      name: 'api',
      command: process.execPath,
      args: ['-r', '@swc-node/register', '/repo/apps/api/src/main.ts'],
      cwd: '/repo',
      readyUrl: 'http://127.0.0.1:3000/readyz',
    });
    expect(api.env).toMatchObject({
      PATH: '/bin',
      PORT: '3000',
      DATABASE_URL: ctx.databaseUrl,
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      WARDEN_MAX_PROFILE: 'elevated',
    });
    expect(worker.args[2]).toBe('/repo/apps/worker/src/main.ts');
    expect(worker.args.slice(3)).toEqual(['--pool', 'shared']);
    expect(worker.readyUrl).toBeUndefined();
    expect(worker.env.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
  });

  it("lets the stack's Temporal Web UI call the codec endpoint, unless origins are configured", () => {
    const withUi = { ...ctx, temporalUiUrl: 'http://127.0.0.1:8300' };
    expect(devServices(withUi, '/repo', {})[0]!.env.WARDEN_CODEC_CORS_ORIGINS).toBe(
      'http://127.0.0.1:8300,http://localhost:8300',
    );
    const configured = { WARDEN_CODEC_CORS_ORIGINS: 'https://ui.example.com' };
    expect(devServices(withUi, '/repo', configured)[0]!.env.WARDEN_CODEC_CORS_ORIGINS).toBe(
      'https://ui.example.com',
    );
    expect(devServices(ctx, '/repo', {})[0]!.env.WARDEN_CODEC_CORS_ORIGINS).toBeUndefined();
  });

  it('lets an explicit WARDEN_MAX_PROFILE win over the dev default', () => {
    const [api] = devServices(ctx, '/repo', { WARDEN_MAX_PROFILE: 'standard' });
    expect(api.env.WARDEN_MAX_PROFILE).toBe('standard');
  });

  it('uses the stack values even when the environment names others', () => {
    const [api] = devServices(ctx, '/repo', { DATABASE_URL: 'postgresql://elsewhere/x', PORT: '9999' });
    expect(api.env.DATABASE_URL).toBe(ctx.databaseUrl);
    expect(api.env.PORT).toBe('3000');
  });
});
