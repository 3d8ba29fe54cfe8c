import { createCipheriv, randomBytes } from 'node:crypto';
import type { DataKey } from './contract';
import { CryptoError, type CryptoErrorCode } from './crypto.errors';
import { additionalData, open, seal, sealedKeyVersion, SEALED_OVERHEAD_BYTES } from './envelope';

const aKey = (version = 1): DataKey => ({
  tenantId: 'tenant-a',
  scope: 'tenant',
  version,
  key: randomBytes(32),
});

const aad = additionalData('warden-field', 'tenant-a', 'tenant', 'credential_versions', 'row-1', 'data');
const secret = Buffer.from('sk_live_envelope_marker_7731', 'utf8');

function expectCryptoError(run: () => unknown, code: CryptoErrorCode): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CryptoError);
  expect((thrown as CryptoError).code).toBe(code);
}

/** A copy with one byte XOR-ed. */
function flipped(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

describe('seal and open', () => {
  it('round-trips, including empty and large values', () => {
    const key = aKey();
    for (const plaintext of [secret, Buffer.alloc(0), randomBytes(256 * 1024)]) {
      expect(open(key, aad, seal(key, aad, plaintext)).equals(plaintext)).toBe(true);
    }
  });

  it('lays out magic, format, key version and binding, then IV, ciphertext and tag', () => {
    const sealed = seal(aKey(0x01020304), aad, secret);
    expect(sealed.length).toBe(SEALED_OVERHEAD_BYTES + secret.length);
    expect(SEALED_OVERHEAD_BYTES).toBe(14 + 12 + 16);
    expect(sealed[0]).toBe(0x57);
    expect(sealed[1]).toBe(1);
    expect(sealed.subarray(2, 6)).toEqual(Buffer.from([1, 2, 3, 4]));
    expect(sealedKeyVersion(sealed)).toBe(0x01020304);
    expect(sealed.includes(secret)).toBe(false);
  });

  it('uses a fresh IV every time: the same value never seals to the same bytes', () => {
    const key = aKey();
    const first = seal(key, aad, secret);
    const second = seal(key, aad, secret);
    expect(first.subarray(14, 26).equals(second.subarray(14, 26))).toBe(false);
    expect(first.equals(second)).toBe(false);
  });
});

describe('open refuses', () => {
  const key = aKey();
  const sealed = seal(key, aad, secret);

  it('other additional data (another tenant, row or field) as a context mismatch', () => {
    const elsewhere = additionalData(
      'warden-field',
      'tenant-a',
      'tenant',
      'credential_versions',
      'row-2',
      'data',
    );
    expectCryptoError(() => open(key, elsewhere, sealed), 'ciphertext_context_mismatch');
  });

  it('a changed byte of the IV, the ciphertext or the tag as tampered', () => {
    for (const at of [14, 26, sealed.length - 1]) {
      expectCryptoError(() => open(key, aad, flipped(sealed, at)), 'ciphertext_tampered');
    }
  });

  it('a forged binding: the additional data is authenticated, the binding is only a hint', () => {
    const target = additionalData(
      'warden-field',
      'tenant-b',
      'tenant',
      'credential_versions',
      'row-1',
      'data',
    );
    const forged = Buffer.from(sealed);
    seal(key, target, Buffer.alloc(0)).copy(forged, 6, 6, 14);
    expectCryptoError(() => open(key, target, forged), 'ciphertext_tampered');
  });

  it('a key version rewritten in the header, even with a key claiming that version', () => {
    const relabelled = Buffer.from(sealed);
    relabelled.writeUInt32BE(2, 2);
    expectCryptoError(() => open({ ...key, version: 2 }, aad, relabelled), 'ciphertext_tampered');
  });

  it('a key of another version as key_not_found, before any decryption', () => {
    expectCryptoError(() => open(aKey(2), aad, sealed), 'key_not_found');
  });

  it('the wrong key bytes as tampered', () => {
    expectCryptoError(() => open(aKey(), aad, sealed), 'ciphertext_tampered');
  });

  it('short input or a wrong magic byte as malformed', () => {
    expectCryptoError(
      () => open(key, aad, sealed.subarray(0, SEALED_OVERHEAD_BYTES - 1)),
      'ciphertext_malformed',
    );
    expectCryptoError(() => open(key, aad, Buffer.alloc(0)), 'ciphertext_malformed');
    expectCryptoError(() => sealedKeyVersion(flipped(sealed, 0)), 'ciphertext_malformed');
  });

  it('another format version as unsupported, whatever follows', () => {
    const future = Buffer.from(sealed);
    future[1] = 2;
    expectCryptoError(() => sealedKeyVersion(future), 'ciphertext_unsupported_version');
    expectCryptoError(() => open(key, aad, future), 'ciphertext_unsupported_version');
  });

  it('bytes sealed without the header in the additional data (the header is authenticated)', () => {
    // A well-formed header and binding over GCM output whose tag covers the caller's data only.
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.key, iv);
    cipher.setAAD(aad);
    const body = Buffer.concat([cipher.update(secret), cipher.final()]);
    const crafted = Buffer.concat([sealed.subarray(0, 14), iv, body, cipher.getAuthTag()]);
    expectCryptoError(() => open(key, aad, crafted), 'ciphertext_tampered');
  });
});

describe('additionalData', () => {
  it('cannot be confused by separators or types inside the parts', () => {
    expect(additionalData('a,b', 'c').equals(additionalData('a', 'b,c'))).toBe(false);
    expect(additionalData('a"', 'b').equals(additionalData('a', '"b'))).toBe(false);
    expect(additionalData('1').equals(additionalData(1))).toBe(false);
    expect(additionalData('x', 'y').equals(additionalData('x', 'y'))).toBe(true);
  });
});
