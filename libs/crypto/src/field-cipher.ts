import { TENANT_SCOPE, type FieldContext, type KeyContext } from './contract';
import { CryptoError } from './crypto.errors';
import { additionalData, open, seal, sealedKeyVersion } from './envelope';
import type { KeyRing } from './key-ring';

/** Text ciphertext: this prefix, then the sealed bytes in base64url. */
const PREFIX = 'wdn1.';

/**
 * Encrypts one value of one field of one row, for storage as text. The additional data names
 * tenant, scope, table, record and field (and the sealed header the key version), so a value
 * copied anywhere else fails with ciphertext_context_mismatch.
 *
 *   const stored = await cipher.encrypt({ tenantId, table: 'credential_versions', recordId, field: 'data' }, json);
 */
export class FieldCipher {
  constructor(private readonly ring: KeyRing) {}

  static isCiphertext(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(PREFIX);
  }

  static keyVersionOf(ciphertext: string): number {
    return sealedKeyVersion(decodeText(ciphertext));
  }

  /**
   * Loads the context's current key into the cache. Call it before opening a transaction that
   * will encrypt: on a cache miss the key store takes a database connection of its own.
   */
  async prepare(context: Pick<FieldContext, 'tenantId' | 'scope'>): Promise<void> {
    await this.ring.currentKey(keyContext(context));
  }

  async encrypt(context: FieldContext, plaintext: string): Promise<string> {
    const key = await this.ring.currentKey(keyContext(context));
    return PREFIX + seal(key, fieldAad(context), Buffer.from(plaintext, 'utf8')).toString('base64url');
  }

  async decrypt(context: FieldContext, ciphertext: string): Promise<string> {
    const sealed = decodeText(ciphertext);
    const key = await this.ring.key(keyContext(context), sealedKeyVersion(sealed));
    return open(key, fieldAad(context), sealed).toString('utf8');
  }

  /** The same value under the current key version; returned unchanged when already current. */
  async reencrypt(context: FieldContext, ciphertext: string): Promise<string> {
    const current = await this.ring.currentKey(keyContext(context));
    if (FieldCipher.keyVersionOf(ciphertext) === current.version) return ciphertext;
    return this.encrypt(context, await this.decrypt(context, ciphertext));
  }
}

function keyContext(context: Pick<FieldContext, 'tenantId' | 'scope'>): KeyContext {
  return { tenantId: context.tenantId, scope: context.scope ?? TENANT_SCOPE };
}

function fieldAad(context: FieldContext): Buffer {
  return additionalData(
    'warden-field',
    context.tenantId,
    context.scope ?? TENANT_SCOPE,
    context.table,
    context.recordId,
    context.field,
  );
}

function decodeText(ciphertext: string): Buffer {
  const body = FieldCipher.isCiphertext(ciphertext) ? ciphertext.slice(PREFIX.length) : '';
  const sealed = Buffer.from(body, 'base64url');
  // Node skips characters that are not base64url; encoding back catches them (and padding) at a
  // fraction of a regex's cost on large values.
  if (body === '' || sealed.toString('base64url') !== body) {
    throw new CryptoError(
      'ciphertext_malformed',
      `field ciphertext must start with '${PREFIX}' followed by base64url`,
    );
  }
  return sealed;
}
