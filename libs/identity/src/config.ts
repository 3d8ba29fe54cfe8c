import { IdentityError } from './errors';

/** Account lockout after repeated failed sign-ins (see lockout.ts). */
export interface LockoutPolicy {
  /** Failed attempts inside the window that lock the account. */
  readonly maxFailures: number;
  /** How far back failures count, in seconds. */
  readonly windowSeconds: number;
  /** How long a lock lasts, in seconds. */
  readonly lockSeconds: number;
}

/** Everything tunable about authentication. Not sensitive: signing keys live in the key store. */
export interface IdentityConfig {
  /** `iss` of every access token we sign and the only issuer we accept. */
  readonly issuer: string;
  /** `aud` of every access token we sign and the only audience we accept. */
  readonly audience: string;
  /** Lifetime of an access token, in seconds. Short, because a signed token cannot be recalled. */
  readonly accessTokenTtlSeconds: number;
  /** Clock skew allowed between the signer and the verifier, in seconds. */
  readonly clockToleranceSeconds: number;
  /** Lifetime of one refresh token, in seconds; each rotation issues a fresh one. */
  readonly refreshTokenTtlSeconds: number;
  /** Absolute lifetime of a refresh family (a sign-in session), in seconds, however often it rotates. */
  readonly refreshFamilyLifetimeSeconds: number;
  /** How long verification trusts its cached copy of the signing keys, in seconds. */
  readonly signingKeyCacheSeconds: number;
  readonly lockout: LockoutPolicy;
}

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = {
  maxFailures: 5,
  windowSeconds: 15 * 60,
  lockSeconds: 15 * 60,
};

export const DEFAULT_IDENTITY_CONFIG: IdentityConfig = {
  issuer: 'warden',
  audience: 'warden-api',
  accessTokenTtlSeconds: 900,
  clockToleranceSeconds: 30,
  refreshTokenTtlSeconds: 14 * 24 * 3600,
  refreshFamilyLifetimeSeconds: 30 * 24 * 3600,
  signingKeyCacheSeconds: 60,
  lockout: DEFAULT_LOCKOUT_POLICY,
};

export type IdentityConfigInput = Partial<Omit<IdentityConfig, 'lockout'>> & {
  readonly lockout?: Partial<LockoutPolicy>;
};

/**
 * Fills defaults and validates, failing fast with the field's name so a bad deployment value is
 * caught at boot rather than at the first sign-in.
 */
export function resolveIdentityConfig(input: IdentityConfigInput = {}): IdentityConfig {
  const config: IdentityConfig = {
    ...DEFAULT_IDENTITY_CONFIG,
    ...input,
    lockout: { ...DEFAULT_LOCKOUT_POLICY, ...input.lockout },
  };
  requireText('issuer', config.issuer);
  requireText('audience', config.audience);
  requirePositiveInteger('accessTokenTtlSeconds', config.accessTokenTtlSeconds);
  requireNonNegativeInteger('clockToleranceSeconds', config.clockToleranceSeconds);
  requirePositiveInteger('refreshTokenTtlSeconds', config.refreshTokenTtlSeconds);
  requirePositiveInteger('refreshFamilyLifetimeSeconds', config.refreshFamilyLifetimeSeconds);
  requireNonNegativeInteger('signingKeyCacheSeconds', config.signingKeyCacheSeconds);
  requirePositiveInteger('lockout.maxFailures', config.lockout.maxFailures);
  requirePositiveInteger('lockout.windowSeconds', config.lockout.windowSeconds);
  requirePositiveInteger('lockout.lockSeconds', config.lockout.lockSeconds);
  if (config.refreshTokenTtlSeconds > config.refreshFamilyLifetimeSeconds) {
    invalid('refreshTokenTtlSeconds', 'must not exceed refreshFamilyLifetimeSeconds');
  }
  return config;
}

function requireText(field: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '') invalid(field, 'must be a non-empty string');
}

function requirePositiveInteger(field: string, value: unknown): void {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) invalid(field, 'must be a positive integer');
}

function requireNonNegativeInteger(field: string, value: unknown): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0) invalid(field, 'must be a non-negative integer');
}

function invalid(field: string, rule: string): never {
  throw new IdentityError('invalid_config', `identity config: ${field} ${rule}`, { field });
}
