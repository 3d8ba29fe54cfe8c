import { ApiConfig, ConfigError } from './api.config';

const required = { DATABASE_URL: 'postgres://warden:secret@127.0.0.1:5432/warden' };

describe('ApiConfig.fromEnv', () => {
  it('applies the documented defaults', () => {
    const config = ApiConfig.fromEnv(required);
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      temporalAddress: '127.0.0.1:7233',
      temporalNamespace: 'default',
      maxProfile: 'elevated',
      bodyLimitBytes: 1024 * 1024,
    });
  });

  it('lowers the default profile in production', () => {
    expect(ApiConfig.fromEnv({ ...required, NODE_ENV: 'production' }).maxProfile).toBe('standard');
  });

  it.each([
    [{}, 'DATABASE_URL', 'is required'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL', 'must use postgres://'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', 'not a valid URL'],
    [{ ...required, PORT: 'eighty' }, 'PORT', 'whole number'],
    [{ ...required, PORT: '70000' }, 'PORT', 'between 0 and 65535'],
    [{ ...required, TEMPORAL_ADDRESS: 'localhost' }, 'TEMPORAL_ADDRESS', 'host:port'],
    [
      { ...required, WARDEN_MAX_PROFILE: 'root' },
      'WARDEN_MAX_PROFILE',
      'plan_only, restricted, standard, elevated',
    ],
    [{ ...required, HOST: ' 0.0.0.0' }, 'HOST', 'whitespace'],
    [{ ...required, WARDEN_MASTER_KEY: 'c2hvcnQ=' }, 'WARDEN_MASTER_KEY', '32 bytes in base64'],
    [{ ...required, WARDEN_KEY_PROVIDER: 'vault' }, 'WARDEN_KEY_PROVIDER', "'local' or 'aws-kms'"],
  ])('refuses %j naming %s', (env, variable, fragment) => {
    let error: unknown;
    try {
      ApiConfig.fromEnv(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toContain(fragment);
  });

  it('masks the master key when described', () => {
    const masterKey = Buffer.alloc(32, 7).toString('base64');
    const config = ApiConfig.fromEnv({ ...required, WARDEN_MASTER_KEY: masterKey });
    expect(config.crypto).toMatchObject({ provider: 'local', masterKey: Buffer.alloc(32, 7) });
    expect(config.describe().WARDEN_MASTER_KEY).toBe('***');
    expect(JSON.stringify(config.describe())).not.toContain(masterKey);
  });

  it('masks the database password when described', () => {
    const described = ApiConfig.fromEnv(required).describe();
    expect(described.DATABASE_URL).toBe('postgres://warden:***@127.0.0.1:5432/warden');
    expect(JSON.stringify(described)).not.toContain('secret');
  });

  it('takes the bootstrap variables all together, and masks the password', () => {
    const bootstrap = {
      WARDEN_BOOTSTRAP_TENANT: 'acme',
      WARDEN_BOOTSTRAP_EMAIL: 'admin@acme.example',
      WARDEN_BOOTSTRAP_PASSWORD: 'a long bootstrap password',
    };
    const config = ApiConfig.fromEnv({ ...required, ...bootstrap });
    expect(config.bootstrap).toEqual({
      tenant: 'acme',
      email: 'admin@acme.example',
      password: 'a long bootstrap password',
    });
    expect(JSON.stringify(config.describe())).not.toContain('a long bootstrap password');
    expect(ApiConfig.fromEnv(required).bootstrap).toBeUndefined();
    expect(() => ApiConfig.fromEnv({ ...required, WARDEN_BOOTSTRAP_TENANT: 'acme' })).toThrow(
      new ConfigError('WARDEN_BOOTSTRAP_EMAIL', 'is required when any WARDEN_BOOTSTRAP_* variable is set'),
    );
  });

  it('refuses an application role name PostgreSQL would need quoting for', () => {
    expect(() => ApiConfig.fromEnv({ ...required, WARDEN_DB_APP_ROLE: 'app; DROP' })).toThrow(ConfigError);
  });
});
