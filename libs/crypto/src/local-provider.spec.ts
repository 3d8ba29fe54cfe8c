import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyContext } from './contract';
import { CryptoError, type CryptoErrorCode } from './crypto.errors';
import { LocalKeyProvider, masterKeyId } from './local-provider';

const tenantA: KeyContext = { tenantId: 'tenant-a', scope: 'tenant' };

async function expectCryptoError(promise: Promise<unknown>, code: CryptoErrorCode): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(CryptoError);
  await expect(promise).rejects.toMatchObject({ code });
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'warden-local-provider-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('LocalKeyProvider data keys', () => {
  it('generates a random 256-bit key whose wrapped form unwraps to it', async () => {
    const provider = new LocalKeyProvider(randomBytes(32));
    const generated = await provider.generateDataKey(tenantA);
    const other = await provider.generateDataKey(tenantA);
    expect(generated.plaintext).toHaveLength(32);
    expect(generated.plaintext.equals(other.plaintext)).toBe(false);
    expect(generated.masterKeyId).toBe(provider.currentMasterKeyId());
    expect(generated.wrapped.includes(generated.plaintext)).toBe(false);
    expect((await provider.unwrapDataKey(generated, tenantA)).equals(generated.plaintext)).toBe(true);
  });

  it("refuses to unwrap a key as another tenant's or another scope's", async () => {
    const provider = new LocalKeyProvider(randomBytes(32));
    const generated = await provider.generateDataKey(tenantA);
    await expectCryptoError(
      provider.unwrapDataKey(generated, { tenantId: 'tenant-b', scope: 'tenant' }),
      'master_key_mismatch',
    );
    await expectCryptoError(
      provider.unwrapDataKey(generated, { tenantId: 'tenant-a', scope: 'subject:u1' }),
      'master_key_mismatch',
    );
  });

  it('refuses changed wrapped bytes, and bytes of an unknown format', async () => {
    const provider = new LocalKeyProvider(randomBytes(32));
    const generated = await provider.generateDataKey(tenantA);
    const changed = Buffer.from(generated.wrapped);
    changed[20] = changed[20]! ^ 1;
    await expectCryptoError(
      provider.unwrapDataKey({ ...generated, wrapped: changed }, tenantA),
      'master_key_mismatch',
    );
    const future = Buffer.from(generated.wrapped);
    future[0] = 2;
    await expectCryptoError(
      provider.unwrapDataKey({ ...generated, wrapped: future }, tenantA),
      'ciphertext_malformed',
    );
    await expectCryptoError(
      provider.unwrapDataKey({ ...generated, wrapped: generated.wrapped.subarray(1) }, tenantA),
      'ciphertext_malformed',
    );
  });

  it('refuses a master key that is not 32 bytes', () => {
    expect(() => new LocalKeyProvider(randomBytes(16))).toThrow(CryptoError);
    expect(() => new LocalKeyProvider(randomBytes(32), [randomBytes(31)])).toThrow('32 bytes');
  });
});

describe('LocalKeyProvider master key rotation', () => {
  it('unwraps keys wrapped by a previous master key and wraps new ones with the current one', async () => {
    const oldMaster = randomBytes(32);
    const newMaster = randomBytes(32);
    const before = await new LocalKeyProvider(oldMaster).generateDataKey(tenantA);
    const rotated = new LocalKeyProvider(newMaster, [oldMaster]);
    expect(rotated.currentMasterKeyId()).toBe(masterKeyId(newMaster));
    expect((await rotated.unwrapDataKey(before, tenantA)).equals(before.plaintext)).toBe(true);

    const rewrapped = await rotated.wrapDataKey(before.plaintext, tenantA);
    expect(rewrapped.masterKeyId).toBe(masterKeyId(newMaster));
    const newOnly = new LocalKeyProvider(newMaster);
    expect((await newOnly.unwrapDataKey(rewrapped, tenantA)).equals(before.plaintext)).toBe(true);
  });

  it('names the missing master key when it no longer holds the one that wrapped a data key', async () => {
    const oldMaster = randomBytes(32);
    const before = await new LocalKeyProvider(oldMaster).generateDataKey(tenantA);
    const attempt = new LocalKeyProvider(randomBytes(32)).unwrapDataKey(before, tenantA);
    await expectCryptoError(attempt, 'master_key_mismatch');
    await expect(attempt).rejects.toThrow(masterKeyId(oldMaster));
    await expect(attempt).rejects.toThrow('WARDEN_MASTER_KEY_PREVIOUS');
  });

  it('names a master key by a fingerprint that is stable and reveals nothing of it', () => {
    const key = randomBytes(32);
    expect(masterKeyId(key)).toMatch(/^local:[0-9a-f]{16}$/);
    expect(masterKeyId(Buffer.from(key))).toBe(masterKeyId(key));
    expect(masterKeyId(randomBytes(32))).not.toBe(masterKeyId(key));
    expect(masterKeyId(key)).not.toContain(key.toString('hex').slice(0, 16));
  });
});

describe('LocalKeyProvider key file', () => {
  it('is created on first start, 0600 in a 0700 folder, and read back on the next', async () => {
    const keyFile = join(scratch, 'first-start', 'data', 'master.key');
    const first = await LocalKeyProvider.fromConfig({ keyFile });
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(keyFile, '..'))).mode & 0o777).toBe(0o700);
    expect(Buffer.from((await readFile(keyFile, 'utf8')).trim(), 'base64')).toHaveLength(32);
    expect(await readdir(join(keyFile, '..'))).toEqual(['master.key']);

    const second = await LocalKeyProvider.fromConfig({ keyFile });
    expect(second.currentMasterKeyId()).toBe(first.currentMasterKeyId());
    const wrapped = await first.generateDataKey(tenantA);
    expect((await second.unwrapDataKey(wrapped, tenantA)).equals(wrapped.plaintext)).toBe(true);
  });

  it('is made once when several starts race for it', async () => {
    const keyFile = join(scratch, 'race', 'master.key');
    const providers = await Promise.all(
      Array.from({ length: 6 }, () => LocalKeyProvider.fromConfig({ keyFile })),
    );
    expect(new Set(providers.map((p) => p.currentMasterKeyId())).size).toBe(1);
    expect(await readdir(join(keyFile, '..'))).toEqual(['master.key']);
  });

  it('is not used when WARDEN_MASTER_KEY gives the key', async () => {
    const keyFile = join(scratch, 'unused', 'master.key');
    const masterKey = randomBytes(32);
    const provider = await LocalKeyProvider.fromConfig({ masterKey, keyFile });
    expect(provider.currentMasterKeyId()).toBe(masterKeyId(masterKey));
    await expect(stat(keyFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('is refused when group or others may read it', async () => {
    const keyFile = join(scratch, 'loose.key');
    await writeFile(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    await chmod(keyFile, 0o640);
    const attempt = LocalKeyProvider.fromConfig({ keyFile });
    await expectCryptoError(attempt, 'key_config_invalid');
    await expect(attempt).rejects.toThrow('chmod 600');
  });

  it('is refused when it does not hold 32 bytes', async () => {
    const keyFile = join(scratch, 'short.key');
    await writeFile(keyFile, randomBytes(16).toString('base64'), { mode: 0o600 });
    await expectCryptoError(LocalKeyProvider.fromConfig({ keyFile }), 'key_config_invalid');
  });
});
