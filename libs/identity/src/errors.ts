/**
 * Every refusal this library makes, as a stable code. The API's exception filter maps these to
 * HTTP statuses with an exhaustive switch, so adding a code is a deliberate, compile-checked change.
 */
export type IdentityErrorCode =
  // Configuration
  | 'invalid_config'
  // Password policy
  | 'password_too_short'
  | 'password_too_long'
  | 'password_equals_email'
  // Access tokens
  | 'token_malformed'
  | 'token_alg_not_allowed'
  | 'token_unknown_kid'
  | 'token_bad_signature'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'token_wrong_issuer'
  | 'token_wrong_audience'
  | 'token_wrong_type'
  | 'signing_key_unavailable'
  // Refresh tokens
  | 'refresh_token_invalid'
  | 'refresh_token_expired'
  | 'refresh_token_revoked'
  | 'refresh_token_reused'
  // Sign-in
  | 'account_locked'
  // MFA
  | 'mfa_code_invalid'
  | 'mfa_code_reused'
  | 'recovery_code_invalid'
  // API keys
  | 'api_key_revoked'
  | 'api_key_expired';

/** Facts a caller needs to act on a refusal (audit a reuse, set Retry-After); never secrets. */
export type IdentityErrorDetails = Readonly<Record<string, string | number>>;

export class IdentityError extends Error {
  constructor(
    readonly code: IdentityErrorCode,
    message: string,
    readonly details: IdentityErrorDetails = {},
  ) {
    super(message);
    this.name = 'IdentityError';
  }
}
