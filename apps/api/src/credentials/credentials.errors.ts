import { ApiError, type ProblemDetail } from '../http/api-error';

/** Errors of the credentials vault routes. */
export type VaultErrorCode =
  | 'credential_not_found'
  /** A live credential of the tenant has this name (a deleted one's name is free again). */
  | 'credential_exists'
  /** `data` does not fit the credential's type (every problem in `details.problems`). */
  | 'credential_data_invalid'
  /** Another write changed the credential while this one was being encrypted, several times over. */
  | 'concurrent_update'
  /** The key provider (KMS) could not encrypt; nothing was stored. */
  | 'vault_unavailable';

export class VaultError extends ApiError<VaultErrorCode> {}

/** The answer for a credential id that is not a UUID (see UuidParam). */
export function malformedCredentialId(problem: ProblemDetail): VaultError {
  return new VaultError(
    'credential_not_found',
    `no credential has this id: ${problem.path} ${problem.message}`,
    {
      problems: [problem],
    },
  );
}

export function credentialNotFound(id: string): VaultError {
  return new VaultError('credential_not_found', `no credential ${id}`);
}
