import { Injectable } from '@nestjs/common';
import { parsePublisherKey, PluginError, verifyPluginSignature } from '@warden/plugins';
import {
  PersistenceError,
  PluginRepository,
  type PluginPublisherKeyEntity,
  type TenantScope,
} from '@warden/persistence';
import type { AuditContext } from '../audit/audit-context';
import { AuditTrail } from '../audit/audit-trail';
import { PluginRegistryConfig } from './plugins.config';
import type { NewKeyRequest, PublisherKeyView } from './plugins.dto';
import { RegistryError } from './plugins.errors';

/**
 * The publisher keys a tenant trusts to sign plugins: its own (managed here) and the platform's
 * (from configuration, trusted by every tenant). A signature counts only when it verifies with a
 * key trusted at the moment of the check, so revoking a key also stops its versions from being
 * activated.
 */
@Injectable()
export class PluginTrustService {
  constructor(
    private readonly plugins: PluginRepository,
    private readonly config: PluginRegistryConfig,
    private readonly audit: AuditTrail,
  ) {}

  /** Whether `signature` over `digest` verifies with the trusted key `keyId`. */
  async verifies(scope: TenantScope, digest: string, keyId: string, signature: string): Promise<boolean> {
    const platform = this.config.platformKeys.find((k) => k.keyId === keyId);
    const pem =
      platform?.publicKeyPem ??
      (await this.plugins.trustedKeys(scope)).find((k) => k.keyId === keyId)?.publicKeyPem;
    return pem !== undefined && verifyPluginSignature(digest, signature, pem);
  }

  async list(scope: TenantScope): Promise<PublisherKeyView[]> {
    const platform = this.config.platformKeys.map((k): PublisherKeyView => ({
      keyId: k.keyId,
      name: k.name,
      publicKeyPem: k.publicKeyPem,
      platform: true,
      createdAt: null,
      createdBy: null,
      revokedAt: null,
    }));
    return [...platform, ...(await this.plugins.keys(scope)).map(toKeyView)];
  }

  async add(scope: TenantScope, request: NewKeyRequest, audit: AuditContext): Promise<PublisherKeyView> {
    let parsed: { publicKeyPem: string; keyId: string };
    try {
      parsed = parsePublisherKey(request.publicKeyPem);
    } catch (err) {
      if (!(err instanceof PluginError)) throw err;
      throw new RegistryError('publisher_key_invalid', err.message, {
        problems: [{ path: 'publicKeyPem', message: err.message, code: err.code }],
      });
    }
    if (this.config.platformKeys.some((k) => k.keyId === parsed.keyId)) {
      throw keyExists(parsed.keyId, 'it is a platform key, trusted already');
    }
    try {
      const key = await this.audit.within(
        scope,
        audit,
        (tx) =>
          this.plugins.addKey(tx, {
            keyId: parsed.keyId,
            name: request.name,
            publicKeyPem: parsed.publicKeyPem,
            createdBy: audit.actor.id,
          }),
        (added) => ({
          action: 'plugin_key.create',
          target: { type: 'plugin_key', id: added.keyId },
          details: { name: added.name },
        }),
      );
      return toKeyView(key);
    } catch (err) {
      if (err instanceof PersistenceError && err.code === 'publisher_key_exists') {
        throw keyExists(parsed.keyId, 'the tenant has it already (revoked keys stay revoked)');
      }
      throw err;
    }
  }

  /** Revoked keys stay listed; revoking again changes nothing. */
  async revoke(scope: TenantScope, keyId: string, audit: AuditContext): Promise<void> {
    const revoked = await this.audit.within(
      scope,
      audit,
      (tx) => this.plugins.revokeKey(tx, keyId),
      (key) =>
        key === undefined
          ? undefined
          : {
              action: 'plugin_key.revoke',
              target: { type: 'plugin_key', id: keyId },
              details: { name: key.name },
            },
    );
    if (revoked === undefined) {
      const platform = this.config.platformKeys.some((k) => k.keyId === keyId);
      throw new RegistryError(
        'publisher_key_not_found',
        platform ? 'platform keys are configured, not revoked here' : 'the tenant has no such key',
      );
    }
  }
}

function keyExists(keyId: string, why: string): RegistryError {
  return new RegistryError('publisher_key_exists', `key ${keyId} exists: ${why}`, { keyId });
}

function toKeyView(key: PluginPublisherKeyEntity): PublisherKeyView {
  return {
    keyId: key.keyId,
    name: key.name,
    publicKeyPem: key.publicKeyPem,
    platform: false,
    createdAt: key.createdAt.toISOString(),
    createdBy: key.createdBy,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}
