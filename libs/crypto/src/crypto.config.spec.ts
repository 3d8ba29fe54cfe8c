import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AwsKmsKeyProvider } from './aws-kms-provider';
import { createKeyProvider, describeCryptoConfig, loadCryptoConfig } from './crypto.config';
import { CryptoError } from './crypto.errors';
import { LocalKeyProvider, masterKeyId } from './local-provider';

const keyA = randomBytes(32);
const keyB = randomBytes(32);

/** Runs `load` and returns the CryptoError it throws. */
function configError(env: Record<string, string | undefined>): CryptoError {
  try {
    loadCryptoConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    expect((error as CryptoError).code).toBe('key_config_invalid');
    return error as CryptoError;
  }
  throw new Error('expected loadCryptoConfig to throw');
}

describe('loadCryptoConfig, local provider', () => {
  it('defaults to the local provider, a key file in .warden/data and a 5 minute cache', () => {
    expect(loadCryptoConfig({})).toEqual({
      provider: 'local',
      previousMasterKeys: [],
      keyFile: resolve('.warden/data/master.key'),
      dataKeyCacheTtlMs: 300_000,
    });
  });

  it('puts the key file in WARDEN_DATA_DIR, unless WARDEN_MASTER_KEY_FILE names one', () => {
    expect(loadCryptoConfig({ WARDEN_DATA_DIR: '/srv/warden' })).toMatchObject({
      keyFile: '/srv/warden/master.key',
    });
    expect(
      loadCryptoConfig({ WARDEN_DATA_DIR: '/srv/warden', WARDEN_MASTER_KEY_FILE: 'keys/m.key' }),
    ).toMatchObject({ keyFile: resolve('keys/m.key') });
  });

  it('reads WARDEN_MASTER_KEY and a comma-separated WARDEN_MASTER_KEY_PREVIOUS', () => {
    const config = loadCryptoConfig({
      WARDEN_KEY_PROVIDER: 'local',
      WARDEN_MASTER_KEY: keyA.toString('base64'),
      WARDEN_MASTER_KEY_PREVIOUS: ` ${keyB.toString('base64')} ,, ${keyA.toString('base64')}`,
    });
    expect(config).toMatchObject({ provider: 'local', masterKey: keyA, previousMasterKeys: [keyB, keyA] });
  });

  it('refuses a master key that is not 32 bytes of base64, naming the variable but not the value', () => {
    for (const value of [
      randomBytes(16).toString('base64'),
      'not base64 at all!',
      `${keyA.toString('base64')}x`,
    ]) {
      const error = configError({ WARDEN_MASTER_KEY: value });
      expect(error.message).toMatch(/^WARDEN_MASTER_KEY must be 32 bytes in base64/);
      expect(error.message).not.toContain(value);
    }
    const previous = configError({ WARDEN_MASTER_KEY_PREVIOUS: `${keyA.toString('base64')},short` });
    expect(previous.message).toMatch(/^WARDEN_MASTER_KEY_PREVIOUS /);
  });

  it('refuses an unknown provider, naming the variable', () => {
    expect(configError({ WARDEN_KEY_PROVIDER: 'vault' }).message).toMatch(/^WARDEN_KEY_PROVIDER must be/);
  });
});

describe('loadCryptoConfig, aws-kms provider', () => {
  it('needs a key id; the region comes from WARDEN_KMS_REGION, AWS_REGION or us-east-1', () => {
    expect(configError({ WARDEN_KEY_PROVIDER: 'aws-kms' }).message).toMatch(/^WARDEN_KMS_KEY_ID is required/);
    const base = { WARDEN_KEY_PROVIDER: 'aws-kms', WARDEN_KMS_KEY_ID: 'alias/warden' };
    expect(loadCryptoConfig(base)).toEqual({
      provider: 'aws-kms',
      keyId: 'alias/warden',
      region: 'us-east-1',
      dataKeyCacheTtlMs: 300_000,
    });
    expect(loadCryptoConfig({ ...base, AWS_REGION: 'eu-west-1' })).toMatchObject({ region: 'eu-west-1' });
    expect(
      loadCryptoConfig({ ...base, AWS_REGION: 'eu-west-1', WARDEN_KMS_REGION: 'eu-central-1' }),
    ).toMatchObject({ region: 'eu-central-1' });
  });

  it('takes an http(s) endpoint override and refuses anything else', () => {
    const base = { WARDEN_KEY_PROVIDER: 'aws-kms', WARDEN_KMS_KEY_ID: 'k' };
    expect(loadCryptoConfig({ ...base, WARDEN_KMS_ENDPOINT: 'http://127.0.0.1:4599' })).toMatchObject({
      endpoint: 'http://127.0.0.1:4599',
    });
    expect(configError({ ...base, WARDEN_KMS_ENDPOINT: '127.0.0.1:4599' }).message).toMatch(
      /^WARDEN_KMS_ENDPOINT must be an http\(s\) URL/,
    );
  });
});

describe('WARDEN_DATA_KEY_CACHE_TTL_MS', () => {
  it('is a whole number of milliseconds up to a day', () => {
    expect(loadCryptoConfig({ WARDEN_DATA_KEY_CACHE_TTL_MS: '0' }).dataKeyCacheTtlMs).toBe(0);
    expect(loadCryptoConfig({ WARDEN_DATA_KEY_CACHE_TTL_MS: '86400000' }).dataKeyCacheTtlMs).toBe(86_400_000);
    for (const bad of ['5s', '-1', '1.5', '86400001']) {
      expect(configError({ WARDEN_DATA_KEY_CACHE_TTL_MS: bad }).message).toMatch(
        /^WARDEN_DATA_KEY_CACHE_TTL_MS /,
      );
    }
  });
});

describe('createKeyProvider', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'warden-crypto-config-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('builds the local provider from WARDEN_MASTER_KEY, with its previous keys', async () => {
    const config = loadCryptoConfig({
      WARDEN_MASTER_KEY: keyA.toString('base64'),
      WARDEN_MASTER_KEY_PREVIOUS: keyB.toString('base64'),
      WARDEN_DATA_DIR: scratch,
    });
    const provider = await createKeyProvider(config);
    expect(provider).toBeInstanceOf(LocalKeyProvider);
    expect(provider.currentMasterKeyId()).toBe(masterKeyId(keyA));
    const old = await new LocalKeyProvider(keyB).generateDataKey({ tenantId: 't', scope: 'tenant' });
    expect(
      (await provider.unwrapDataKey(old, { tenantId: 't', scope: 'tenant' })).equals(old.plaintext),
    ).toBe(true);
  });

  it('creates the key file in the data folder when no key is given', async () => {
    const provider = await createKeyProvider(loadCryptoConfig({ WARDEN_DATA_DIR: join(scratch, 'data') }));
    expect((await stat(join(scratch, 'data', 'master.key'))).mode & 0o777).toBe(0o600);
    expect(provider.currentMasterKeyId()).toMatch(/^local:/);
  });

  it('builds the AWS KMS provider without calling KMS', async () => {
    const provider = await createKeyProvider(
      loadCryptoConfig({ WARDEN_KEY_PROVIDER: 'aws-kms', WARDEN_KMS_KEY_ID: 'alias/warden' }),
    );
    expect(provider).toBeInstanceOf(AwsKmsKeyProvider);
    expect(provider.kind).toBe('aws-kms');
    expect(provider.currentMasterKeyId()).toBe('alias/warden');
    (provider as AwsKmsKeyProvider).close();
  });
});

describe('describeCryptoConfig', () => {
  it('shows where keys come from, never key material', () => {
    const withKey = describeCryptoConfig(
      loadCryptoConfig({
        WARDEN_MASTER_KEY: keyA.toString('base64'),
        WARDEN_MASTER_KEY_PREVIOUS: keyB.toString('base64'),
      }),
    );
    expect(withKey).toEqual({
      WARDEN_KEY_PROVIDER: 'local',
      WARDEN_MASTER_KEY: '***',
      WARDEN_MASTER_KEY_PREVIOUS: '***',
    });
    expect(JSON.stringify(withKey)).not.toContain(keyA.toString('base64').slice(0, 8));
    expect(describeCryptoConfig(loadCryptoConfig({ WARDEN_DATA_DIR: '/srv/w' }))).toMatchObject({
      WARDEN_MASTER_KEY: '(file /srv/w/master.key)',
      WARDEN_MASTER_KEY_PREVIOUS: '(none)',
    });
    expect(
      describeCryptoConfig(loadCryptoConfig({ WARDEN_KEY_PROVIDER: 'aws-kms', WARDEN_KMS_KEY_ID: 'arn:k' })),
    ).toEqual({
      WARDEN_KEY_PROVIDER: 'aws-kms',
      WARDEN_KMS_KEY_ID: 'arn:k',
      WARDEN_KMS_REGION: 'us-east-1',
      WARDEN_KMS_ENDPOINT: '(AWS)',
    });
  });
});
