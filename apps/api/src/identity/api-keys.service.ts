import { Injectable } from '@nestjs/common';
import { assertCanGrantPermissions, AuthzError, type PermissionName } from '@warden/authz';
import { generateApiKey, IdentityError, rotateApiKey } from '@warden/identity';
import { ApiKeyRepository, withTenant, type TenantScope } from '@warden/persistence';
import { DataSource } from 'typeorm';
import { IdentitySettings } from '../auth/sessions';
import type { Principal } from '../http/request-context';
import { RequestError } from '../http/request.errors';
import {
  toApiKeySummary,
  type ApiKeySummary,
  type ApiKeyWithSecret,
  type CreateApiKeyBody,
  type RotatedApiKey,
} from './api-keys.dto';
import { CallerAuthority, knownPermissions } from './caller-authority';
import { actorOf, recordEvent } from './identity-audit';
import { CredentialError } from './identity.errors';
import type { RequestOrigin } from './request-origin';

/**
 * API keys belong to the user who creates them and act as that user, narrowed to the key's
 * permission list. Nobody hands a key more than they hold themselves, and only the owner can
 * rotate (rotation reveals a working secret); anyone holding `apikey:manage` in the tenant
 * can revoke, which can only take access away.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeyRepository,
    private readonly authority: CallerAuthority,
    private readonly settings: IdentitySettings,
  ) {}

  async create(
    principal: Principal,
    input: CreateApiKeyBody,
    origin: RequestOrigin,
  ): Promise<ApiKeyWithSecret> {
    const now = this.settings.clock.now();
    const expiresAt = input.expiresAt === undefined ? null : futureDate(input.expiresAt, now);
    await this.assertCanHandOut(principal, input.permissions);
    const generated = generateApiKey();
    const key = await withTenant(this.dataSource, scopeOf(principal), async (tx) => {
      const created = await this.apiKeys.create(tx, {
        ownerUserId: principal.userId,
        name: input.name,
        hash: generated.hash,
        prefix: generated.prefix,
        permissions: [...input.permissions],
        expiresAt,
      });
      await recordEvent(tx, origin, {
        actor: actorOf(principal),
        action: 'apikey.create',
        target: { type: 'api_key', id: created.id },
        outcome: 'success',
        details: { name: created.name, prefix: created.prefix, permissions: created.permissions, expiresAt },
      });
      // The insert returns what we sent; createdAt comes from the database default.
      return (await this.apiKeys.findById(tx, created.id)) ?? created;
    });
    return { ...toApiKeySummary(key), secret: generated.secret };
  }

  /** The caller's own keys, newest first, revoked ones included (with revokedAt). */
  async list(principal: Principal): Promise<ApiKeySummary[]> {
    const keys = await this.apiKeys.listByOwner(scopeOf(principal), principal.userId);
    return keys.map(toApiKeySummary);
  }

  async rotate(
    principal: Principal,
    id: string,
    graceSeconds: number,
    origin: RequestOrigin,
  ): Promise<RotatedApiKey> {
    const current = await this.apiKeys.findById(scopeOf(principal), id);
    // Someone else's key is "not found": rotating it would hand its secret to the caller.
    if (!current || current.ownerUserId !== principal.userId) throw notFound(id);
    await this.assertCanHandOut(principal, knownPermissions(current.permissions));
    let rotated;
    try {
      rotated = rotateApiKey(current, this.settings.clock.now(), graceSeconds);
    } catch (err) {
      if (err instanceof IdentityError)
        throw new CredentialError('api_key_not_active', err.message, { reason: err.code });
      throw err;
    }
    const { credentials, secret } = rotated;
    await withTenant(this.dataSource, scopeOf(principal), async (tx) => {
      if (!(await this.apiKeys.saveCredentials(tx, id, credentials))) {
        throw new CredentialError('api_key_not_active', 'the key was revoked meanwhile', {
          reason: 'api_key_revoked',
        });
      }
      await recordEvent(tx, origin, {
        actor: actorOf(principal),
        action: 'apikey.rotate',
        target: { type: 'api_key', id },
        outcome: 'success',
        details: { prefix: credentials.prefix, previousPrefix: current.prefix, graceSeconds },
      });
    });
    return {
      ...toApiKeySummary({ ...current, ...credentials }),
      secret,
      previousSecretValidUntil: credentials.previousHashExpiresAt?.toISOString() ?? null,
    };
  }

  /** Idempotent: revoking a revoked key changes nothing and records nothing. */
  async revoke(principal: Principal, id: string, origin: RequestOrigin): Promise<void> {
    const key = await this.apiKeys.findById(scopeOf(principal), id);
    if (!key) throw notFound(id);
    if (key.revokedAt !== null) return;
    await withTenant(this.dataSource, scopeOf(principal), async (tx) => {
      if (!(await this.apiKeys.revoke(tx, id, this.settings.clock.now()))) return;
      await recordEvent(tx, origin, {
        actor: actorOf(principal),
        action: 'apikey.revoke',
        target: { type: 'api_key', id },
        outcome: 'success',
        details: { prefix: key.prefix, ownerUserId: key.ownerUserId },
      });
    });
  }

  private async assertCanHandOut(
    principal: Principal,
    permissions: readonly PermissionName[],
  ): Promise<void> {
    try {
      assertCanGrantPermissions(await this.authority.of(principal), permissions);
    } catch (err) {
      if (err instanceof AuthzError && err.code === 'escalation') {
        throw new CredentialError('escalation', err.message, { missing: [...(err.details.missing ?? [])] });
      }
      throw err;
    }
  }
}

function scopeOf(principal: Principal): TenantScope {
  return { tenantId: principal.tenantId };
}

function notFound(id: string): CredentialError {
  return new CredentialError('api_key_not_found', `no API key with id '${id}'`);
}

function futureDate(text: string, now: Date): Date {
  const date = new Date(text);
  const problem = Number.isNaN(date.getTime())
    ? 'must be an ISO 8601 date-time'
    : date <= now
      ? 'must be in the future'
      : undefined;
  if (problem) {
    throw new RequestError('invalid_request', `request body is invalid: expiresAt: ${problem}`, {
      problems: [{ path: 'expiresAt', message: problem }],
    });
  }
  return date;
}
