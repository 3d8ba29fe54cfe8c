/** Stable codes; never rename one, add new ones instead. */
export type CryptoErrorCode =
  /** Not Warden ciphertext at all, or cut short. */
  | 'ciphertext_malformed'
  /** A format version this build does not know. */
  | 'ciphertext_unsupported_version'
  /** The ciphertext was made for another tenant, row or field (copied or moved). */
  | 'ciphertext_context_mismatch'
  /** The bytes were changed: the authentication tag does not verify. */
  | 'ciphertext_tampered'
  /** No data key of that version exists for that tenant and scope. */
  | 'key_not_found'
  /** The data key was destroyed (crypto-shredded): what it protected is gone for good. */
  | 'key_destroyed'
  /** The key provider (KMS) refused or could not be reached. */
  | 'key_provider_failed'
  /** The wrapped data key does not unwrap with any known master key. */
  | 'master_key_mismatch'
  /** WARDEN_MASTER_KEY, the key file or the provider settings are unusable. */
  | 'key_config_invalid';

export class CryptoError extends Error {
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'CryptoError';
  }
}

/**
 * Errors about the ciphertext itself (changed, foreign, malformed, or its key gone for good), as
 * opposed to the key provider or the configuration: trying again will not help, and one such
 * value should not fail the others read with it.
 */
const UNREADABLE_CODES: ReadonlySet<CryptoErrorCode> = new Set<CryptoErrorCode>([
  'ciphertext_malformed',
  'ciphertext_unsupported_version',
  'ciphertext_context_mismatch',
  'ciphertext_tampered',
  'key_not_found',
  'key_destroyed',
]);

export function isUnreadableCiphertext(err: unknown): err is CryptoError {
  return err instanceof CryptoError && UNREADABLE_CODES.has(err.code);
}
