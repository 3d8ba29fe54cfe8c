import { ApiError } from '../http/api-error';

/** Refusals of the sign-in, session, MFA and API-key routes. Statuses: http/error-status.ts. */
export type CredentialErrorCode =
  /** Unknown tenant, unknown email and wrong password all look the same (401). */
  | 'invalid_credentials'
  /** Too many failed sign-ins; `details.retryAfterSeconds` (429). */
  | 'account_locked'
  /** Too many sign-in attempts from one address; `details.retryAfterSeconds` (429). */
  | 'login_rate_limited'
  /** The password was right; send `totp` or `recoveryCode` as well (401). */
  | 'mfa_required'
  /** A TOTP or recovery code that does not verify (401). */
  | 'mfa_code_invalid'
  /** A TOTP code for a time step already used (401). */
  | 'mfa_code_reused'
  /** A route about the caller's own sign-in (sign-out, MFA) called with an API key (403). */
  | 'session_required'
  /** Verify or disable without the matching enrollment state (409). */
  | 'mfa_not_enrolled'
  /** Enroll while MFA is already on: disable it first (409). */
  | 'mfa_already_enabled'
  /** Unknown, expired or revoked refresh token; `details.reason` (401). */
  | 'refresh_token_invalid'
  /** A refresh token presented twice: the whole session was revoked (401). */
  | 'refresh_token_reused'
  | 'api_key_not_found'
  /** Rotating a key that is revoked or expired (409). */
  | 'api_key_not_active'
  /** Handing out a permission the caller does not hold; `details.missing` (403). */
  | 'escalation';

export class CredentialError extends ApiError<CredentialErrorCode> {}
