import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { ensureLocalKms, freePort, startLocalKms, type LocalKms } from '@warden/devstack';
import { AwsKmsKeyProvider } from './aws-kms-provider';
import type { FieldContext, KeyContext, KeyProvider } from './contract';
import { createKeyProvider, loadCryptoConfig } from './crypto.config';
import { CryptoError, type CryptoErrorCode } from './crypto.errors';
import { FieldCipher } from './field-cipher';
import { InMemoryDataKeyStore } from './in-memory-store';
import { KeyRing } from './key-ring';

// AwsKmsKeyProvider against a real KMS-compatible server (local-kms, built by scripts/setup-tools.ts
// before `npm test`; ensureLocalKms builds it here when this file runs on its own).
const credentials = { accessKeyId: 'warden-test', secretAccessKey: 'warden-test' };
const SECRET = 'sk_live_kms_marker_9090';

let kms: LocalKms;
let scratch: string;
/** A second KMS key, for master key rotation. */
let nextKeyArn: string;
const opened: AwsKmsKeyProvider[] = [];

beforeAll(async () => {
  const binaryPath = await ensureLocalKms();
  scratch = await mkdtemp(join(tmpdir(), 'warden-kms-provider-'));
  kms = await startLocalKms({ dataDir: scratch, binaryPath });
  const admin = new KMSClient({ region: kms.region, endpoint: kms.endpoint, credentials });
  try {
    const created = await admin.send(new CreateKeyCommand({ Description: 'rotation target' }));
    nextKeyArn = created.KeyMetadata?.Arn ?? '';
  } finally {
    admin.destroy();
  }
});

afterAll(async () => {
  for (const provider of opened) provider.close();
  await kms?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

function aProvider(keyId = kms.key!.alias, endpoint = kms.endpoint): AwsKmsKeyProvider {
  const provider = new AwsKmsKeyProvider({ keyId, region: kms.region, endpoint, credentials });
  opened.push(provider);
  return provider;
}

const aTenant = (): KeyContext => ({ tenantId: randomUUID(), scope: 'tenant' });

async function expectCryptoError(promise: Promise<unknown>, code: CryptoErrorCode): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(CryptoError);
  await expect(promise).rejects.toMatchObject({ code });
}

describe('AwsKmsKeyProvider on local-kms', () => {
  it('generates a data key and unwraps it again; the alias resolves to the key ARN', async () => {
    const provider = aProvider();
    const ctx = aTenant();
    expect(provider.currentMasterKeyId()).toBe(kms.key!.alias);
    const generated = await provider.generateDataKey(ctx);
    expect(generated.plaintext).toHaveLength(32);
    expect(generated.masterKeyId).toBe(kms.key!.arn);
    expect(provider.currentMasterKeyId()).toBe(kms.key!.arn);
    expect(generated.wrapped.includes(generated.plaintext)).toBe(false);
    expect((await provider.unwrapDataKey(generated, ctx)).equals(generated.plaintext)).toBe(true);
  });

  it("refuses another tenant's (or another scope's) context: master_key_mismatch", async () => {
    const provider = aProvider();
    const ctx = aTenant();
    const generated = await provider.generateDataKey(ctx);
    await expectCryptoError(provider.unwrapDataKey(generated, aTenant()), 'master_key_mismatch');
    await expectCryptoError(
      provider.unwrapDataKey(generated, { tenantId: ctx.tenantId, scope: 'subject:u1' }),
      'master_key_mismatch',
    );
  });

  it('refuses a wrapped key whose stored master key id names another KMS key', async () => {
    const provider = aProvider();
    const ctx = aTenant();
    const generated = await provider.generateDataKey(ctx);
    await expectCryptoError(
      provider.unwrapDataKey({ wrapped: generated.wrapped, masterKeyId: nextKeyArn }, ctx),
      'master_key_mismatch',
    );
  });

  it('rewraps an existing data key under another KMS key (master key rotation)', async () => {
    const ctx = aTenant();
    const generated = await aProvider().generateDataKey(ctx);
    const rotated = aProvider(nextKeyArn);
    const rewrapped = await rotated.wrapDataKey(generated.plaintext, ctx);
    expect(rewrapped.masterKeyId).toBe(nextKeyArn);
    expect(rewrapped.wrapped.equals(generated.wrapped)).toBe(false);
    // Decrypt names the key from the stored id, so any provider instance unwraps it.
    expect((await aProvider().unwrapDataKey(rewrapped, ctx)).equals(generated.plaintext)).toBe(true);
    await expectCryptoError(aProvider().unwrapDataKey(rewrapped, aTenant()), 'master_key_mismatch');
  });

  it('reports an unknown key or an unreachable KMS as key_provider_failed', async () => {
    await expectCryptoError(aProvider('alias/no-such-key').generateDataKey(aTenant()), 'key_provider_failed');
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const attempt = aProvider(kms.key!.alias, nowhere).generateDataKey(aTenant());
    await expectCryptoError(attempt, 'key_provider_failed');
    await expect(attempt).rejects.toThrow(/^KMS GenerateDataKey failed/);
  });
});

describe('KeyRing and FieldCipher on local-kms', () => {
  function aRing(provider: KeyProvider, store: InMemoryDataKeyStore): KeyRing {
    return new KeyRing({ provider, store });
  }

  it('encrypts and decrypts fields, rotates, and survives a master key rotation (rewrapAll)', async () => {
    const store = new InMemoryDataKeyStore();
    const ring = aRing(aProvider(), store);
    const cipher = new FieldCipher(ring);
    const tenantId = randomUUID();
    const field: FieldContext = { tenantId, table: 'credential_versions', recordId: 'c1:1', field: 'data' };
    const v1Text = await cipher.encrypt(field, SECRET);
    expect(await cipher.decrypt(field, v1Text)).toBe(SECRET);
    await ring.rotate({ tenantId, scope: 'tenant' });
    const v2Text = await cipher.encrypt(field, SECRET);
    expect(FieldCipher.keyVersionOf(v2Text)).toBe(2);

    // The master key moves to another KMS key: both data key versions are rewrapped, and a
    // process that starts afresh (no cache) still reads both values.
    const rotated = aRing(aProvider(nextKeyArn), store);
    expect(await rotated.rewrapAll(tenantId)).toBe(2);
    expect((await store.list(tenantId)).map((k) => k.masterKeyId)).toEqual([nextKeyArn, nextKeyArn]);
    const fresh = new FieldCipher(aRing(aProvider(nextKeyArn), store));
    expect(await fresh.decrypt(field, v1Text)).toBe(SECRET);
    expect(await fresh.decrypt(field, v2Text)).toBe(SECRET);
  });

  it('is configured from the WARDEN_KMS_* variables, credentials from the default AWS chain', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    try {
      const provider = await createKeyProvider(
        loadCryptoConfig({
          WARDEN_KEY_PROVIDER: 'aws-kms',
          WARDEN_KMS_KEY_ID: kms.key!.alias,
          WARDEN_KMS_ENDPOINT: kms.endpoint,
          WARDEN_KMS_REGION: kms.region,
        }),
      );
      opened.push(provider as AwsKmsKeyProvider);
      const cipher = new FieldCipher(aRing(provider, new InMemoryDataKeyStore()));
      const field: FieldContext = { tenantId: randomUUID(), table: 't', recordId: 'r', field: 'f' };
      expect(await cipher.decrypt(field, await cipher.encrypt(field, SECRET))).toBe(SECRET);
      expect(provider.currentMasterKeyId()).toBe(kms.key!.arn);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });
});
