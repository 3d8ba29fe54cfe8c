import { CryptoError, type CryptoErrorCode } from '@warden/crypto';
import { ApiError } from '../http/api-error';

/**
 * Stored ciphertext that could not be read while serving a request. Not the client's mistake:
 * a destroyed (shredded) key is 410, an unreachable or misconfigured key provider 503, and
 * ciphertext that fails authentication (changed, or moved from another row) a 500 that still
 * names exactly what failed.
 */
export class EncryptedDataError extends ApiError<CryptoErrorCode> {}

export function fromCryptoError(err: CryptoError): EncryptedDataError {
  return new EncryptedDataError(err.code, err.message);
}
