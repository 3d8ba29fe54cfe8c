import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { DataKey } from './contract';
import { CryptoError } from './crypto.errors';

/**
 * Warden's sealed-bytes format, version 1 (AES-256-GCM):
 *
 *   offset  size  field
 *   0       1     magic 0x57 ('W')
 *   1       1     format version (1)
 *   2       4     data key version, big-endian
 *   6       8     binding: the first 8 bytes of sha256(additional data)
 *   14      12    random IV
 *   26      n     ciphertext
 *   26+n    16    GCM tag
 *
 * The GCM additional data is the 14-byte header followed by the caller's additional data, so
 * neither the key version nor the binding can be changed without the tag failing. The binding
 * lets a ciphertext that was moved to another row, field or tenant fail with its own code
 * (ciphertext_context_mismatch) rather than look like corrupted bytes.
 */
const MAGIC = 0x57;
const FORMAT_V1 = 1;
const HEADER_BYTES = 14;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BINDING_BYTES = 8;

export const SEALED_OVERHEAD_BYTES = HEADER_BYTES + IV_BYTES + TAG_BYTES;

export function seal(key: DataKey, aad: Buffer, plaintext: Buffer): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header[0] = MAGIC;
  header[1] = FORMAT_V1;
  header.writeUInt32BE(key.version, 2);
  binding(aad).copy(header, 6);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.concat([header, aad]));
  const body = cipher.update(plaintext);
  const final = cipher.final();
  return Buffer.concat([header, iv, body, final, cipher.getAuthTag()]);
}

/** The data key version a sealed value needs; throws ciphertext_malformed / _unsupported_version. */
export function sealedKeyVersion(sealed: Buffer): number {
  checkHeader(sealed);
  return sealed.readUInt32BE(2);
}

export function open(key: DataKey, aad: Buffer, sealed: Buffer): Buffer {
  const version = sealedKeyVersion(sealed);
  if (version !== key.version) {
    throw new CryptoError(
      'key_not_found',
      `sealed with data key version ${version}, but version ${key.version} was given`,
    );
  }
  const header = sealed.subarray(0, HEADER_BYTES);
  if (!header.subarray(6, HEADER_BYTES).equals(binding(aad))) {
    throw new CryptoError(
      'ciphertext_context_mismatch',
      'this ciphertext belongs to another tenant, record or field',
    );
  }
  const iv = sealed.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
  const body = sealed.subarray(HEADER_BYTES + IV_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key.key, iv);
  decipher.setAAD(Buffer.concat([header, aad]));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (err) {
    throw new CryptoError(
      'ciphertext_tampered',
      'the ciphertext was changed: its authentication tag does not verify',
      err,
    );
  }
}

function checkHeader(sealed: Buffer): void {
  if (sealed.length < SEALED_OVERHEAD_BYTES || sealed[0] !== MAGIC) {
    throw new CryptoError('ciphertext_malformed', 'not Warden ciphertext (bad header or too short)');
  }
  if (sealed[1] !== FORMAT_V1) {
    throw new CryptoError(
      'ciphertext_unsupported_version',
      `ciphertext format version ${sealed[1]} is not supported`,
    );
  }
}

function binding(aad: Buffer): Buffer {
  return createHash('sha256').update(aad).digest().subarray(0, BINDING_BYTES);
}

/** Additional data from labelled parts, unambiguous whatever the parts contain. */
export function additionalData(...parts: readonly (string | number)[]): Buffer {
  return Buffer.from(JSON.stringify(parts), 'utf8');
}
