/**
 * @warden/identity: who is calling. Passwords (argon2id), Ed25519 access tokens with a rotating
 * key ring, single-use refresh tokens with reuse detection, TOTP and recovery codes, API keys and
 * account lockout. No database and no HTTP: storage comes in through the `*Store` interfaces
 * (in-memory fakes included for tests) and time through a `Clock`.
 *
 *   const claims = await accessTokens.verify(bearerToken); // throws IdentityError with a code
 */
export { IdentityError, type IdentityErrorCode, type IdentityErrorDetails } from './errors';
export {
  DEFAULT_IDENTITY_CONFIG,
  DEFAULT_LOCKOUT_POLICY,
  resolveIdentityConfig,
  type IdentityConfig,
  type IdentityConfigInput,
  type LockoutPolicy,
} from './config';
export { systemClock, type Clock } from './clock';
export { AUTH_METHODS, isAuthMethod, type AuthMethod } from './auth-methods';
export {
  PASSWORD_HASH_PARAMS,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  checkPasswordPolicy,
  dummyPasswordHash,
  hashPassword,
  needsRehash,
  verifyAgainstDummy,
  verifyPassword,
  type PasswordHashParams,
} from './passwords';
export {
  ACCESS_TOKEN_ALG,
  SigningKeyRing,
  generateSigningKey,
  type Jwks,
  type PublicSigningJwk,
  type SigningKeyRecord,
  type SigningKeyRingConfig,
  type SigningKeyStore,
} from './signing-keys';
export {
  ACCESS_TOKEN_TYPE,
  AccessTokenService,
  type AccessTokenConfig,
  type AccessTokenSubject,
  type IssueAccessTokenInput,
  type IssuedAccessToken,
  type VerifiedAccessToken,
} from './access-tokens';
export {
  REFRESH_TOKEN_PREFIX,
  RefreshTokenService,
  type IssuedRefreshToken,
  type RefreshTokenConfig,
  type RefreshTokenRecord,
  type RefreshTokenStore,
} from './refresh-tokens';
export {
  TOTP_DIGITS,
  TOTP_PERIOD_SECONDS,
  enrollTotp,
  totpCodeAt,
  totpStep,
  verifyTotp,
  type TotpEnrollment,
} from './mfa';
export {
  consumeRecoveryCode,
  generateRecoveryCodes,
  hashRecoveryCode,
  type RecoveryCodes,
} from './recovery-codes';
export {
  API_KEY_DISPLAY_PREFIX_CHARS,
  API_KEY_PREFIX,
  apiKeyMatches,
  generateApiKey,
  hashApiKey,
  looksLikeApiKey,
  rotateApiKey,
  type ApiKeyCredentials,
  type ApiKeyMatch,
  type GeneratedApiKey,
} from './api-keys';
export {
  UNLOCKED,
  isLocked,
  registerFailure,
  registerSuccess,
  type LockStatus,
  type LockoutState,
} from './lockout';
export {
  InMemoryRefreshTokenStore,
  InMemorySigningKeyStore,
  UniqueViolation,
} from './testing/in-memory-stores';
export { ManualClock } from './testing/manual-clock';
