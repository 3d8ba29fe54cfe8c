import type { DataKey, KeyContext, KeyProvider } from './contract';
import { CryptoError } from './crypto.errors';
import { additionalData, open, seal } from './envelope';

/**
 * A small platform secret at rest (for example an access-token signing key), as stored in a
 * jsonb column: the secret sealed with a data key of its own, that data key wrapped by the
 * master key. Never holds the secret or the data key in clear.
 */
export interface SealedPlatformSecret {
  /** Format version; only 1 exists. */
  v: number;
  /** The master key that wrapped `wrappedKey` (see WrappedDataKey.masterKeyId). */
  masterKeyId: string;
  /** The wrapped data key, base64. */
  wrappedKey: string;
  /** AES-256-GCM sealed bytes (envelope.ts format), base64. */
  sealed: string;
}

const FORMAT_V1 = 1;
/**
 * Platform secrets belong to no tenant. Tenant ids are UUIDs, so this id can never name a real
 * tenant's keys, and the purpose becomes the scope (`subject:<purpose>`): the master key (or
 * the KMS encryption context) binds every wrapped data key to what it protects.
 */
export const PLATFORM_TENANT_ID = 'platform';
/** Each sealed secret has a data key of its own, so its data key version is always 1. */
const DATA_KEY_VERSION = 1;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Seals platform-wide secrets (not tenant data) under the key provider's master key.
 *
 *   const box = new PlatformSecretBox(provider);
 *   const stored = await box.seal('signing-key', kid, Buffer.from(JSON.stringify(privateJwk)));
 *   const secret = await box.open('signing-key', kid, stored);
 *
 * The GCM additional data binds the purpose and the record id, so a sealed value copied into
 * another row or used for another purpose does not open (ciphertext_context_mismatch).
 * Unwrapped data keys stay in memory for the box's lifetime: reading the same rows again costs
 * no KMS call. The box is meant for a handful of long-lived secrets; it never evicts.
 */
export class PlatformSecretBox {
  private readonly dataKeys = new Map<string, Promise<Buffer>>();

  constructor(private readonly provider: KeyProvider) {}

  /** Whether a stored value has the sealed shape (of any format version) rather than being plaintext. */
  static isSealed(value: unknown): value is SealedPlatformSecret {
    if (typeof value !== 'object' || value === null) return false;
    const candidate = value as Record<string, unknown>;
    return (
      typeof candidate.v === 'number' &&
      typeof candidate.masterKeyId === 'string' &&
      typeof candidate.wrappedKey === 'string' &&
      typeof candidate.sealed === 'string'
    );
  }

  async seal(purpose: string, recordId: string, plaintext: Buffer): Promise<SealedPlatformSecret> {
    const generated = await this.provider.generateDataKey(platformContext(purpose));
    const stored: Omit<SealedPlatformSecret, 'sealed'> = {
      v: FORMAT_V1,
      masterKeyId: generated.masterKeyId,
      wrappedKey: generated.wrapped.toString('base64'),
    };
    this.dataKeys.set(cacheKey(purpose, stored), Promise.resolve(generated.plaintext));
    const sealed = seal(dataKey(purpose, generated.plaintext), aad(purpose, recordId), plaintext);
    return { ...stored, sealed: sealed.toString('base64') };
  }

  /** Throws CryptoError: ciphertext_* when the value is changed or belongs elsewhere, master_key_mismatch, key_provider_failed. */
  async open(purpose: string, recordId: string, stored: SealedPlatformSecret): Promise<Buffer> {
    const { sealed } = decode(stored);
    const key = await this.unwrapped(purpose, stored);
    return open(dataKey(purpose, key), aad(purpose, recordId), sealed);
  }

  /** False when the value is already wrapped by the provider's current master key. */
  needsRewrap(stored: SealedPlatformSecret): boolean {
    return stored.masterKeyId !== this.provider.currentMasterKeyId();
  }

  /**
   * The same secret with its data key wrapped by the current master key (master key
   * rotation). The sealed bytes do not change: only the wrap moves.
   */
  async rewrap(purpose: string, stored: SealedPlatformSecret): Promise<SealedPlatformSecret> {
    decode(stored);
    const key = await this.unwrapped(purpose, stored);
    const wrapped = await this.provider.wrapDataKey(key, platformContext(purpose));
    const moved = {
      ...stored,
      masterKeyId: wrapped.masterKeyId,
      wrappedKey: wrapped.wrapped.toString('base64'),
    };
    this.dataKeys.set(cacheKey(purpose, moved), Promise.resolve(key));
    return moved;
  }

  private unwrapped(purpose: string, stored: SealedPlatformSecret): Promise<Buffer> {
    const key = cacheKey(purpose, stored);
    let unwrapping = this.dataKeys.get(key);
    if (unwrapping === undefined) {
      unwrapping = this.provider.unwrapDataKey(
        { wrapped: decode(stored).wrappedKey, masterKeyId: stored.masterKeyId },
        platformContext(purpose),
      );
      this.dataKeys.set(key, unwrapping);
      // A failure (KMS unreachable, master key not held yet) is not remembered.
      unwrapping.catch(() => this.dataKeys.delete(key));
    }
    return unwrapping;
  }
}

function platformContext(purpose: string): KeyContext {
  return { tenantId: PLATFORM_TENANT_ID, scope: `subject:${purpose}` };
}

function dataKey(purpose: string, key: Buffer): DataKey {
  return { ...platformContext(purpose), version: DATA_KEY_VERSION, key };
}

function aad(purpose: string, recordId: string): Buffer {
  return additionalData('warden-platform-secret', purpose, recordId);
}

function cacheKey(purpose: string, stored: Pick<SealedPlatformSecret, 'masterKeyId' | 'wrappedKey'>): string {
  return `${purpose}\u0000${stored.masterKeyId}\u0000${stored.wrappedKey}`;
}

function decode(stored: SealedPlatformSecret): { wrappedKey: Buffer; sealed: Buffer } {
  if (!PlatformSecretBox.isSealed(stored)) {
    throw new CryptoError('ciphertext_malformed', 'not a sealed platform secret');
  }
  if (stored.v !== FORMAT_V1) {
    throw new CryptoError(
      'ciphertext_unsupported_version',
      `sealed platform secret format version ${stored.v} is not supported`,
    );
  }
  if (!BASE64.test(stored.wrappedKey) || !BASE64.test(stored.sealed)) {
    throw new CryptoError('ciphertext_malformed', 'a sealed platform secret holds bytes that are not base64');
  }
  return {
    wrappedKey: Buffer.from(stored.wrappedKey, 'base64'),
    sealed: Buffer.from(stored.sealed, 'base64'),
  };
}
