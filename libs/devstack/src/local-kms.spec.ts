import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DevstackError } from './errors';
import {
  ensureLocalKms,
  LOCAL_KMS_KEY_ALIAS,
  LOCAL_KMS_KEY_ID,
  LOCAL_KMS_VERSION,
  localKmsCachePath,
  localKmsEnv,
  localKmsSeedYaml,
} from './local-kms';

describe('local-kms build location', () => {
  it('pins a Go pseudo-version (the tags have no v prefix) and caches under it', () => {
    expect(LOCAL_KMS_VERSION).toMatch(/^v0\.0\.0-\d{14}-[0-9a-f]{12}$/);
    expect(localKmsCachePath({ HOME: '/home/ada' })).toBe(
      `/home/ada/.cache/warden/local-kms/${LOCAL_KMS_VERSION}/local-kms`,
    );
    expect(localKmsCachePath({ WARDEN_CACHE_DIR: '/opt/wc' })).toBe(
      `/opt/wc/local-kms/${LOCAL_KMS_VERSION}/local-kms`,
    );
  });
});

describe('ensureLocalKms without a binary', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'warden-local-kms-spec-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('names the cache path when there is no build and no Go to make one', async () => {
    const env = { WARDEN_CACHE_DIR: scratch, PATH: join(scratch, 'empty-bin') };
    const attempt = ensureLocalKms({ env });
    await expect(attempt).rejects.toBeInstanceOf(DevstackError);
    await expect(attempt).rejects.toMatchObject({
      code: 'LOCAL_KMS_UNAVAILABLE',
      path: localKmsCachePath(env),
    });
  });

  it('refuses a LOCAL_KMS_PATH that is not an executable file', async () => {
    const missing = join(scratch, 'no-such-local-kms');
    await expect(ensureLocalKms({ env: { LOCAL_KMS_PATH: missing } })).rejects.toMatchObject({
      code: 'LOCAL_KMS_UNAVAILABLE',
      path: missing,
    });
  });
});

describe('localKmsSeedYaml', () => {
  const backing = 'ab'.repeat(32);

  it('creates one AES key with the given backing key and the Warden alias, in local-kms format', () => {
    expect(parse(localKmsSeedYaml(backing))).toEqual({
      Keys: {
        Symmetric: {
          Aes: [
            {
              Metadata: { KeyId: LOCAL_KMS_KEY_ID, Description: 'Warden test master key' },
              BackingKeys: [backing],
            },
          ],
        },
      },
      Aliases: [{ AliasName: LOCAL_KMS_KEY_ALIAS, TargetKeyId: LOCAL_KMS_KEY_ID }],
    });
  });

  it('accepts only a 256-bit key in hex', () => {
    expect(() => localKmsSeedYaml('ab'.repeat(16))).toThrow('32 bytes in hex');
    expect(() => localKmsSeedYaml(`${'ab'.repeat(31)}\n  - x`)).toThrow('32 bytes in hex');
  });
});

describe('localKmsEnv', () => {
  it('sets the port, the ARN parts, the database folder and the seed file', () => {
    expect(
      localKmsEnv({
        port: 4599,
        region: 'eu-west-1',
        accountId: '000000000000',
        dataPath: '/d/db',
        seedPath: '/d/seed.yaml',
      }),
    ).toEqual({
      PORT: '4599',
      KMS_REGION: 'eu-west-1',
      KMS_ACCOUNT_ID: '000000000000',
      KMS_DATA_PATH: '/d/db',
      KMS_SEED_PATH: '/d/seed.yaml',
    });
  });

  it('points the seed at a file that does not exist when unseeded (never /init/seed.yaml)', () => {
    const env = localKmsEnv({ port: 1, region: 'r', accountId: 'a', dataPath: '/d/db' });
    expect(env.KMS_SEED_PATH).toBe('/d/db/no-seed.yaml');
  });
});
