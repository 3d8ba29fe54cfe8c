/**
 * The two ways to present a bearer token, as @nestjs/passport strategies: an access token
 * (a JWT from /v1/auth/login) and an API key (`wdn_...`). Each strategy passes on a token of
 * the other kind, so passport tries the next; a token of its own kind that does not verify is
 * an error with a specific reason, never a fall-through.
 */
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { buildAbility, type PermissionName } from '@warden/authz';
import {
  AccessTokenService,
  apiKeyMatches,
  hashApiKey,
  IdentityError,
  looksLikeApiKey,
} from '@warden/identity';
import { Strategy } from 'passport-custom';
import type { RequestIdentity, WardenRequest } from '../http/request-context';
import { AuthError } from './auth.errors';
import { IdentityDirectory, type UserAccessRecord } from './identity-directory';

export const ACCESS_TOKEN_STRATEGY = 'warden-access-token';
export const API_KEY_STRATEGY = 'warden-api-key';

/** What the strategies hand to the guard (passport's `request.user`). */
export interface Authenticated {
  readonly identity: RequestIdentity;
  readonly quotas: UserAccessRecord['quotas'];
  /**
   * The tenant requires MFA for the user's roles and this session has not passed a second
   * factor: only routes about the caller (to enroll) are open to it.
   */
  readonly mfaPending: boolean;
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(request: WardenRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function invalid(reason: string, message: string): AuthError {
  return new AuthError('invalid_token', message, { reason });
}

function identityFor(
  access: UserAccessRecord,
  principal: { id: string; kind: 'user' | 'api_key'; sessionId: string | null },
  restrictTo?: readonly PermissionName[],
  mfaPending = false,
): Authenticated {
  const ability = buildAbility({
    tenantId: access.tenantId,
    roles: access.roles,
    customRoles: access.customRoles,
    grants: access.grants,
    platformAdmin: access.platformAdmin,
    ...(restrictTo === undefined ? {} : { restrictTo }),
  });
  return {
    identity: {
      principal: {
        ...principal,
        userId: access.userId,
        tenantId: access.tenantId,
        roles: access.roles,
        platformAdmin: access.platformAdmin,
      },
      tenant: { tenantId: access.tenantId },
      ability,
    },
    quotas: access.quotas,
    mfaPending,
  };
}

@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, ACCESS_TOKEN_STRATEGY) {
  constructor(
    private readonly tokens: AccessTokenService,
    private readonly directory: IdentityDirectory,
  ) {
    super();
  }

  async validate(request: WardenRequest): Promise<Authenticated | null> {
    const token = bearerToken(request);
    if (token === undefined || looksLikeApiKey(token)) return null;
    let verified;
    try {
      verified = await this.tokens.verify(token);
    } catch (err) {
      if (err instanceof IdentityError)
        throw invalid(err.code, `the access token was refused: ${err.message}`);
      throw err;
    }
    if (verified.subject.type !== 'user') {
      throw invalid('token_wrong_type', 'API keys are presented as themselves, not as access tokens');
    }
    const found = await this.directory.loadUser(
      verified.tenantId,
      verified.subject.userId,
      verified.sessionId,
    );
    if (!found || !found.access.active)
      throw invalid('unknown_subject', 'the token names no active user of its tenant');
    if (!found.sessionActive) throw invalid('session_revoked', 'this session was signed out; sign in again');
    const secondFactor = verified.amr.some((method) => method !== 'pwd');
    return identityFor(
      found.access,
      { id: found.access.userId, kind: 'user', sessionId: verified.sessionId },
      undefined,
      found.access.mfaRequired && !secondFactor,
    );
  }
}

@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, API_KEY_STRATEGY) {
  constructor(private readonly directory: IdentityDirectory) {
    super();
  }

  async validate(request: WardenRequest): Promise<Authenticated | null> {
    const token = bearerToken(request);
    if (token === undefined || !looksLikeApiKey(token)) return null;
    const hash = hashApiKey(token);
    const found = await this.directory.loadApiKey(hash);
    if (!found) throw invalid('api_key_unknown', 'no API key matches this secret');
    const now = new Date();
    const match = apiKeyMatches(found.credentials, hash, now);
    if (!match.ok)
      throw invalid(`api_key_${match.reason}`, `the API key was refused: ${match.reason.replace(/_/g, ' ')}`);
    if (!found.owner.active) throw invalid('unknown_subject', "the API key's owner is not active");
    this.directory.touchApiKey(found.owner.tenantId, found.apiKeyId, now).catch(() => undefined);
    return identityFor(
      found.owner,
      { id: found.apiKeyId, kind: 'api_key', sessionId: null },
      found.permissions,
    );
  }
}
