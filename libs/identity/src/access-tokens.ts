import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { isAuthMethod, type AuthMethod } from './auth-methods';
import type { Clock } from './clock';
import type { IdentityConfig } from './config';
import { IdentityError, type IdentityErrorCode } from './errors';
import { ACCESS_TOKEN_ALG, type SigningKeyRing } from './signing-keys';

/** RFC 9068's media type for JWT access tokens; stops an ID token or other JWT being replayed here. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export type IssueAccessTokenInput =
  | {
      readonly userId: string;
      readonly tenantId: string;
      /** The refresh token family, so a sign-out can be matched to its access tokens. */
      readonly sessionId: string;
      readonly amr: readonly AuthMethod[];
    }
  | { readonly apiKeyId: string; readonly tenantId: string };

export interface IssuedAccessToken {
  readonly token: string;
  /** Seconds, as OAuth's `expires_in`. */
  readonly expiresIn: number;
  readonly expiresAt: Date;
}

export type AccessTokenSubject =
  | { readonly type: 'user'; readonly userId: string }
  | { readonly type: 'api_key'; readonly apiKeyId: string };

export interface VerifiedAccessToken {
  readonly subject: AccessTokenSubject;
  readonly tenantId: string;
  readonly sessionId: string | null;
  readonly amr: readonly AuthMethod[];
  readonly jti: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

export type AccessTokenConfig = Pick<
  IdentityConfig,
  'issuer' | 'audience' | 'accessTokenTtlSeconds' | 'clockToleranceSeconds'
>;

/**
 * Claims: iss, aud, sub (user or API key id), sub_type ('user' | 'api_key'), tid (tenant),
 * sid (refresh family; users only), amr, jti, iat, exp. Header: alg EdDSA, kid, typ at+jwt.
 */
export class AccessTokenService {
  constructor(
    private readonly ring: SigningKeyRing,
    private readonly config: AccessTokenConfig,
    private readonly clock: Clock,
  ) {}

  async issue(input: IssueAccessTokenInput): Promise<IssuedAccessToken> {
    const now = this.clock.now();
    const { kid, privateKey } = await this.ring.signingKey(now);
    const issuedAt = Math.floor(now.getTime() / 1000);
    const expiresAt = issuedAt + this.config.accessTokenTtlSeconds;
    const claims =
      'userId' in input
        ? { sub_type: 'user', tid: input.tenantId, sid: input.sessionId, amr: [...input.amr] }
        : { sub_type: 'api_key', tid: input.tenantId, amr: [] };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.config.issuer)
      .setAudience(this.config.audience)
      .setSubject('userId' in input ? input.userId : input.apiKeyId)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(privateKey);
    return { token, expiresIn: this.config.accessTokenTtlSeconds, expiresAt: new Date(expiresAt * 1000) };
  }

  /**
   * Accepts only EdDSA tokens signed by a key of our own ring, named by `kid`; header parameters
   * that carry or point at a key (jwk, jku, x5u, x5c) are never consulted.
   */
  async verify(token: string): Promise<VerifiedAccessToken> {
    const now = this.clock.now();
    const header = readHeader(token);
    if (header.alg !== ACCESS_TOKEN_ALG) {
      throw refuse('token_alg_not_allowed', `algorithm ${String(header.alg)} is not accepted`);
    }
    const key = typeof header.kid === 'string' ? await this.ring.verificationKey(header.kid, now) : undefined;
    if (!key) throw refuse('token_unknown_kid', 'token was not signed by a current key');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: [ACCESS_TOKEN_ALG],
        issuer: this.config.issuer,
        audience: this.config.audience,
        typ: ACCESS_TOKEN_TYPE,
        clockTolerance: this.config.clockToleranceSeconds,
        maxTokenAge: this.config.accessTokenTtlSeconds,
        currentDate: now,
        requiredClaims: ['sub', 'jti', 'iat', 'exp'],
      }));
    } catch (err) {
      throw translateJoseError(err);
    }
    return readClaims(payload);
  }
}

function readHeader(token: string): Record<string, unknown> {
  if (typeof token !== 'string' || token.split('.').length !== 3) {
    throw refuse('token_malformed', 'token is not a compact JWS');
  }
  try {
    return decodeProtectedHeader(token);
  } catch {
    throw refuse('token_malformed', 'token header is not valid JSON');
  }
}

function translateJoseError(err: unknown): unknown {
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
    return refuse('token_bad_signature', 'token signature is invalid');
  }
  if (err instanceof joseErrors.JWTExpired) return refuse('token_expired', 'token has expired');
  if (err instanceof joseErrors.JOSEAlgNotAllowed)
    return refuse('token_alg_not_allowed', 'algorithm not accepted');
  if (err instanceof joseErrors.JWTClaimValidationFailed && err.reason === 'check_failed') {
    switch (err.claim) {
      case 'iss':
        return refuse('token_wrong_issuer', 'token was issued by someone else');
      case 'aud':
        return refuse('token_wrong_audience', 'token is meant for another audience');
      case 'typ':
        return refuse('token_wrong_type', `token type must be ${ACCESS_TOKEN_TYPE}`);
      case 'nbf':
      case 'iat':
        return refuse('token_not_yet_valid', 'token is not valid yet');
    }
  }
  if (err instanceof joseErrors.JOSEError) return refuse('token_malformed', 'token is malformed');
  // Not a verdict on the token (a bug, a broken stored key): let it surface as a server error.
  return err;
}

function readClaims(payload: JWTPayload): VerifiedAccessToken {
  const { sub, jti, iat, exp, tid, sid, amr, sub_type: subType } = payload;
  const amrValid = Array.isArray(amr) && amr.every(isAuthMethod);
  if (typeof sub !== 'string' || typeof jti !== 'string' || typeof tid !== 'string' || !amrValid) {
    throw refuse('token_malformed', 'token claims are incomplete');
  }
  const times = { issuedAt: new Date((iat as number) * 1000), expiresAt: new Date((exp as number) * 1000) };
  const common = { tenantId: tid, amr: amr as AuthMethod[], jti, ...times };
  if (subType === 'user' && typeof sid === 'string') {
    return { subject: { type: 'user', userId: sub }, sessionId: sid, ...common };
  }
  if (subType === 'api_key' && sid === undefined) {
    return { subject: { type: 'api_key', apiKeyId: sub }, sessionId: null, ...common };
  }
  throw refuse('token_malformed', 'token subject type is invalid');
}

function refuse(code: IdentityErrorCode, message: string): IdentityError {
  return new IdentityError(code, message);
}
