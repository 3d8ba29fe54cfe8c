import { randomBytes, randomUUID } from 'node:crypto';
import type { FieldContext } from './contract';
import { CryptoError, type CryptoErrorCode } from './crypto.errors';
import { FieldCipher } from './field-cipher';
import { InMemoryDataKeyStore } from './in-memory-store';
import { KeyRing } from './key-ring';
import { LocalKeyProvider } from './local-provider';

const SECRET = 'sk_live_field_marker_5150 ünïcödé ✓';

function aCipher(): { cipher: FieldCipher; ring: KeyRing } {
  const ring = new KeyRing({
    provider: new LocalKeyProvider(randomBytes(32)),
    store: new InMemoryDataKeyStore(),
  });
  return { cipher: new FieldCipher(ring), ring };
}

function aField(overrides: Partial<FieldContext> = {}): FieldContext {
  return {
    tenantId: randomUUID(),
    table: 'credential_versions',
    recordId: `${randomUUID()}:1`,
    field: 'data',
    ...overrides,
  };
}

async function expectCryptoError(promise: Promise<unknown>, code: CryptoErrorCode): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(CryptoError);
  await expect(promise).rejects.toMatchObject({ code });
}

describe('FieldCipher round trip', () => {
  it('encrypts to wdn1.<base64url> text that hides the value and decrypts back', async () => {
    const { cipher } = aCipher();
    const ctx = aField();
    const stored = await cipher.encrypt(ctx, SECRET);
    expect(stored).toMatch(/^wdn1\.[A-Za-z0-9_-]+$/);
    expect(stored).not.toContain('sk_live');
    expect(await cipher.decrypt(ctx, stored)).toBe(SECRET);
    expect(await cipher.decrypt(ctx, await cipher.encrypt(ctx, ''))).toBe('');
  });

  it('never gives the same text twice for the same value', async () => {
    const { cipher } = aCipher();
    const ctx = aField();
    expect(await cipher.encrypt(ctx, SECRET)).not.toBe(await cipher.encrypt(ctx, SECRET));
  });

  it('uses the subject key when a scope is given', async () => {
    const { cipher, ring } = aCipher();
    const ctx = aField({ scope: 'subject:user-5' });
    const stored = await cipher.encrypt(ctx, SECRET);
    await ring.destroy({ tenantId: ctx.tenantId, scope: 'subject:user-5' });
    await expectCryptoError(cipher.decrypt(ctx, stored), 'key_destroyed');
  });
});

describe('FieldCipher refuses ciphertext moved elsewhere', () => {
  it('to another record, field, table or scope of the same tenant: context mismatch', async () => {
    const { cipher, ring } = aCipher();
    const ctx = aField();
    const stored = await cipher.encrypt(ctx, SECRET);
    // The subject key exists too, so the failure is the binding and not a missing key.
    await ring.currentKey({ tenantId: ctx.tenantId, scope: 'subject:user-1' });
    for (const moved of [
      { ...ctx, recordId: `${randomUUID()}:1` },
      { ...ctx, field: 'steps[0].env.TOKEN' },
      { ...ctx, table: 'workflow_versions' },
      { ...ctx, scope: 'subject:user-1' as const },
    ]) {
      await expectCryptoError(cipher.decrypt(moved, stored), 'ciphertext_context_mismatch');
    }
  });

  it("into another tenant's row: context mismatch, never the other tenant's plaintext", async () => {
    const { cipher } = aCipher();
    const ours = aField();
    const theirs = aField({ recordId: ours.recordId });
    await cipher.encrypt(theirs, 'their own value');
    await expectCryptoError(
      cipher.decrypt(theirs, await cipher.encrypt(ours, SECRET)),
      'ciphertext_context_mismatch',
    );
  });

  it('into a tenant that has no key of that version: key_not_found', async () => {
    const { cipher } = aCipher();
    const stored = await cipher.encrypt(aField(), SECRET);
    await expectCryptoError(cipher.decrypt(aField(), stored), 'key_not_found');
  });
});

describe('FieldCipher refuses bad text', () => {
  it('a changed character: tampered', async () => {
    const { cipher } = aCipher();
    const ctx = aField();
    const stored = await cipher.encrypt(ctx, SECRET);
    const at = stored.length - 30;
    const changed = stored.slice(0, at) + (stored[at] === 'A' ? 'B' : 'A') + stored.slice(at + 1);
    await expectCryptoError(cipher.decrypt(ctx, changed), 'ciphertext_tampered');
  });

  it('plaintext, another prefix, non-base64url characters or a cut value: malformed', async () => {
    const { cipher } = aCipher();
    const ctx = aField();
    const stored = await cipher.encrypt(ctx, SECRET);
    for (const text of [
      SECRET,
      stored.replace('wdn1.', 'wdn2.'),
      `${stored}=`,
      `${stored} `,
      `${stored.slice(0, 30)}+${stored.slice(31)}`,
      `${stored.slice(0, 30)}!${stored.slice(30)}`,
      'wdn1.',
      stored.slice(0, 40),
    ]) {
      await expectCryptoError(cipher.decrypt(ctx, text), 'ciphertext_malformed');
    }
  });

  it('a format version this build does not know: unsupported', async () => {
    const { cipher } = aCipher();
    const ctx = aField();
    const sealed = Buffer.from((await cipher.encrypt(ctx, SECRET)).slice(5), 'base64url');
    sealed[1] = 9;
    await expectCryptoError(
      cipher.decrypt(ctx, `wdn1.${sealed.toString('base64url')}`),
      'ciphertext_unsupported_version',
    );
  });
});

describe('FieldCipher helpers', () => {
  it('isCiphertext recognises stored text only', async () => {
    const { cipher } = aCipher();
    expect(FieldCipher.isCiphertext(await cipher.encrypt(aField(), SECRET))).toBe(true);
    expect(FieldCipher.isCiphertext(SECRET)).toBe(false);
    expect(FieldCipher.isCiphertext(42)).toBe(false);
    expect(FieldCipher.isCiphertext(undefined)).toBe(false);
  });

  it('keyVersionOf reads the data key version without any key', async () => {
    const { cipher, ring } = aCipher();
    const ctx = aField();
    await ring.currentKey({ tenantId: ctx.tenantId, scope: 'tenant' });
    await ring.rotate({ tenantId: ctx.tenantId, scope: 'tenant' });
    expect(FieldCipher.keyVersionOf(await cipher.encrypt(ctx, SECRET))).toBe(2);
    expect(() => FieldCipher.keyVersionOf('nope')).toThrow(CryptoError);
  });
});

describe('FieldCipher.reencrypt', () => {
  it('moves a value to the current key version and leaves current ones as they are', async () => {
    const { cipher, ring } = aCipher();
    const ctx = aField();
    const key = { tenantId: ctx.tenantId, scope: 'tenant' as const };
    const old = await cipher.encrypt(ctx, SECRET);
    expect(await cipher.reencrypt(ctx, old)).toBe(old);

    await ring.rotate(key);
    const moved = await cipher.reencrypt(ctx, old);
    expect(FieldCipher.keyVersionOf(moved)).toBe(2);
    expect(await cipher.decrypt(ctx, moved)).toBe(SECRET);

    // Once nothing uses version 1 any more, destroying it loses nothing.
    await ring.destroy(key, 1);
    expect(await cipher.decrypt(ctx, moved)).toBe(SECRET);
    await expectCryptoError(cipher.decrypt(ctx, old), 'key_destroyed');
  });

  it('refuses to re-encrypt a value that belongs elsewhere', async () => {
    const { cipher, ring } = aCipher();
    const ctx = aField();
    const stored = await cipher.encrypt(ctx, SECRET);
    await ring.rotate({ tenantId: ctx.tenantId, scope: 'tenant' });
    await expectCryptoError(
      cipher.reencrypt({ ...ctx, field: 'other' }, stored),
      'ciphertext_context_mismatch',
    );
  });
});
