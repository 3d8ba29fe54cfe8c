import { ApiError } from '../http/api-error';

/** Errors of the data key routes. */
export type KeysErrorCode =
  /** The tenant has no data key of that version (in that scope). */
  | 'key_version_not_found'
  /** No re-encryption job of the caller's tenant has this id. */
  | 'key_job_not_found'
  /**
   * Stored ciphertext, or runs still open, use the version (or it is the active one): destroying
   * it now would lose them. `details` says what; `{ "force": true }` destroys it anyway.
   */
  | 'key_in_use'
  /** Destroying every key needs `confirm` to be the tenant's slug. */
  | 'confirmation_mismatch'
  /** Temporal did not answer (the rotation itself may have happened; see GET /v1/keys). */
  | 'engine_unavailable';

export class KeysError extends ApiError<KeysErrorCode> {}

export function keyVersionNotFound(scope: string, version: number): KeysError {
  return new KeysError('key_version_not_found', `no data key version ${version} in scope '${scope}'`);
}

/** The id is not echoed: it may be any text up to the URL limit. */
export function keyJobNotFound(): KeysError {
  return new KeysError('key_job_not_found', 'no re-encryption job of this tenant has this id');
}
