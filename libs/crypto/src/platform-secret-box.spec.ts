import { randomBytes } from 'node:crypto';
import type { GeneratedDataKey, KeyContext, KeyProvider, WrappedDataKey } from './contract';
import { CryptoError, type CryptoErrorCode } from './crypto.errors';
import { LocalKeyProvider, masterKeyId } from './local-provider';
import { PlatformSecretBox, type SealedPlatformSecret } from './platform-secret-box';

const PURPOSE = 'signing-key';
const RECORD = 'kid-1';
const secret = Buffer.from('{"kty":"OKP","crv":"Ed25519","d":"platform_secret_marker_5150"}', 'utf8');

/** A real local provider that counts the calls made to it. */
class CountingProvider implements KeyProvider {
  readonly kind = 'local' as const;
  readonly calls = { generate: 0, unwrap: 0, wrap: 0 };
  readonly contexts: KeyContext[] = [];
  constructor(private readonly inner: LocalKeyProvider) {}
  currentMasterKeyId(): string {
    return this.inner.currentMasterKeyId();
  }
  generateDataKey(context: KeyContext): Promise<GeneratedDataKey> {
    this.calls.generate += 1;
    this.contexts.push(context);
    return this.inner.generateDataKey(context);
  }
  unwrapDataKey(key: WrappedDataKey, context: KeyContext): Promise<Buffer> {
    this.calls.unwrap += 1;
    this.contexts.push(context);
    return this.inner.unwrapDataKey(key, context);
  }
  wrapDataKey(plaintext: Buffer, context: KeyContext): Promise<WrappedDataKey> {
    this.calls.wrap += 1;
    return this.inner.wrapDataKey(plaintext, context);
  }
}

async function expectCode(promise: Promise<unknown>, code: CryptoErrorCode): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(CryptoError);
  expect((error as CryptoError).code).toBe(code);
}

/** The base64 field with one bit of its byte at `at` flipped. */
function flippedBase64(value: string, at: number): string {
  const bytes = Buffer.from(value, 'base64');
  bytes[at] = bytes[at]! ^ 0x01;
  return bytes.toString('base64');
}

describe('PlatformSecretBox', () => {
  const master = randomBytes(32);
  let box: PlatformSecretBox;
  let stored: SealedPlatformSecret;

  beforeEach(async () => {
    box = new PlatformSecretBox(new LocalKeyProvider(master));
    stored = await box.seal(PURPOSE, RECORD, secret);
  });

  it('round-trips, and a process that starts afresh opens what another sealed', async () => {
    expect((await box.open(PURPOSE, RECORD, stored)).equals(secret)).toBe(true);
    const fresh = new PlatformSecretBox(new LocalKeyProvider(master));
    expect((await fresh.open(PURPOSE, RECORD, stored)).equals(secret)).toBe(true);
  });

  it('stores a small versioned JSON object that holds neither the secret nor the data key', async () => {
    expect(stored).toEqual({
      v: 1,
      masterKeyId: masterKeyId(master),
      wrappedKey: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
      sealed: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
    });
    const text = JSON.stringify(stored);
    expect(text).not.toContain('platform_secret_marker_5150');
    expect(text).not.toContain('"d"');
    // A fresh data key per secret: sealing the same bytes twice shares nothing.
    const again = await box.seal(PURPOSE, RECORD, secret);
    expect(again.wrappedKey).not.toBe(stored.wrappedKey);
    expect(again.sealed).not.toBe(stored.sealed);
  });

  it('binds the data key to the platform and the purpose, never to a tenant', async () => {
    const provider = new CountingProvider(new LocalKeyProvider(master));
    await new PlatformSecretBox(provider).seal(PURPOSE, RECORD, secret);
    expect(provider.contexts).toEqual([{ tenantId: 'platform', scope: 'subject:signing-key' }]);
  });

  it('refuses changed sealed bytes (ciphertext_tampered) and a changed wrapped key (master_key_mismatch)', async () => {
    const fresh = () => new PlatformSecretBox(new LocalKeyProvider(master));
    const lastByte = Buffer.from(stored.sealed, 'base64').length - 1;
    await expectCode(
      fresh().open(PURPOSE, RECORD, { ...stored, sealed: flippedBase64(stored.sealed, lastByte) }),
      'ciphertext_tampered',
    );
    await expectCode(
      fresh().open(PURPOSE, RECORD, { ...stored, wrappedKey: flippedBase64(stored.wrappedKey, 20) }),
      'master_key_mismatch',
    );
  });

  it('does not open for another record (moved between rows) or another purpose', async () => {
    await expectCode(box.open(PURPOSE, 'kid-2', stored), 'ciphertext_context_mismatch');
    await expectCode(
      new PlatformSecretBox(new LocalKeyProvider(master)).open('webhook-secret', RECORD, stored),
      'master_key_mismatch',
    );
  });

  it('does not open under another master key', async () => {
    await expectCode(
      new PlatformSecretBox(new LocalKeyProvider(randomBytes(32))).open(PURPOSE, RECORD, stored),
      'master_key_mismatch',
    );
  });

  it('tells a sealed value from a legacy plaintext one, and refuses unknown or broken formats', async () => {
    expect(PlatformSecretBox.isSealed(stored)).toBe(true);
    for (const legacy of [{ kty: 'OKP', crv: 'Ed25519', x: 'x', d: 'd' }, null, 'text', { v: 1 }]) {
      expect(PlatformSecretBox.isSealed(legacy)).toBe(false);
    }
    await expectCode(box.open(PURPOSE, RECORD, { ...stored, v: 2 }), 'ciphertext_unsupported_version');
    await expectCode(box.open(PURPOSE, RECORD, { ...stored, sealed: 'not base64!' }), 'ciphertext_malformed');
    await expectCode(box.open(PURPOSE, RECORD, { ...stored, sealed: 'AAAA' }), 'ciphertext_malformed');
  });

  it('unwraps each data key once for its lifetime, and retries after a failure', async () => {
    const provider = new CountingProvider(new LocalKeyProvider(master));
    const reader = new PlatformSecretBox(provider);
    await Promise.all([1, 2, 3].map(() => reader.open(PURPOSE, RECORD, stored)));
    await reader.open(PURPOSE, RECORD, stored);
    expect(provider.calls.unwrap).toBe(1);

    const lost = new CountingProvider(new LocalKeyProvider(randomBytes(32)));
    const failing = new PlatformSecretBox(lost);
    await expectCode(failing.open(PURPOSE, RECORD, stored), 'master_key_mismatch');
    await expectCode(failing.open(PURPOSE, RECORD, stored), 'master_key_mismatch');
    expect(lost.calls.unwrap).toBe(2);
  });

  it('rewraps under a new master key without touching the sealed bytes', async () => {
    const next = randomBytes(32);
    const rotating = new PlatformSecretBox(new LocalKeyProvider(next, [master]));
    expect(rotating.needsRewrap(stored)).toBe(true);
    const moved = await rotating.rewrap(PURPOSE, stored);
    expect(moved).toMatchObject({ v: 1, masterKeyId: masterKeyId(next), sealed: stored.sealed });
    expect(rotating.needsRewrap(moved)).toBe(false);

    const afterRotation = new PlatformSecretBox(new LocalKeyProvider(next));
    expect((await afterRotation.open(PURPOSE, RECORD, moved)).equals(secret)).toBe(true);
    await expectCode(afterRotation.open(PURPOSE, RECORD, stored), 'master_key_mismatch');
  });
});
