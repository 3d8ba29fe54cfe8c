import { Inject, Injectable } from '@nestjs/common';
import { CryptoError, KeyRing } from '@warden/crypto';
import { SigningKeyRepository, TenantRepository } from '@warden/persistence';
import type { AuditContext } from '../audit/audit-context';
import { AuditTrail } from '../audit/audit-trail';
import { KeyChanges } from './key-changes';
import type { KeysRewrapped, RewrapBody } from './keys.dto';

/** Far more tenants than one installation has: the registry is read whole. */
const ALL_TENANTS = 1_000_000;

/**
 * Master key rotation, the second half: once the new master key is current (WARDEN_MASTER_KEY,
 * the old one in WARDEN_MASTER_KEY_PREVIOUS; or a new KMS key), every tenant's data keys are
 * wrapped again under it, after which the old master key can be retired. The data keys
 * themselves do not change, so no ciphertext has to. One tenant failing (say, its keys were
 * wrapped by a master key this process no longer holds) does not stop the others.
 */
@Injectable()
export class KeyRewrapService {
  // Narrowed to what is used, so the unit test's fakes are exact (the tokens stay the classes).
  constructor(
    private readonly ring: KeyRing,
    @Inject(TenantRepository) private readonly tenants: Pick<TenantRepository, 'list' | 'findById'>,
    @Inject(KeyChanges) private readonly changes: Pick<KeyChanges, 'announce'>,
    @Inject(AuditTrail) private readonly audit: Pick<AuditTrail, 'recordAfter'>,
    @Inject(SigningKeyRepository) private readonly signingKeys: Pick<SigningKeyRepository, 'rewrapAll'>,
  ) {}

  async rewrap(body: RewrapBody, audit: AuditContext): Promise<KeysRewrapped> {
    const masterKeyId = this.ring.provider.currentMasterKeyId();
    const tenantIds = body.tenantIds ?? (await this.tenants.list(ALL_TENANTS)).map((t) => t.id);
    const result: KeysRewrapped = { masterKeyId, tenants: 0, rewrapped: 0, signingKeys: 0, failures: [] };
    // The platform's own secrets move with the first full pass; a failure here is an operator
    // problem (the previous master key is not held) and stops the call before any tenant.
    if (body.tenantIds === undefined) result.signingKeys = await this.signingKeys.rewrapAll();
    for (const tenantId of tenantIds) {
      if (body.tenantIds !== undefined && (await this.tenants.findById(tenantId)) === undefined) {
        result.failures.push({ tenantId, code: 'tenant_not_found', message: 'no such tenant' });
        continue;
      }
      const scope = { tenantId };
      try {
        const rewrapped = await this.ring.rewrapAll(tenantId);
        if (rewrapped > 0) await this.changes.announce(tenantId);
        result.tenants += 1;
        result.rewrapped += rewrapped;
        await this.audit.recordAfter(scope, audit, {
          action: 'key.rewrap',
          target: { type: 'tenant', id: tenantId },
          details: { masterKeyId, rewrapped },
        });
      } catch (err) {
        if (!(err instanceof CryptoError)) throw err;
        result.failures.push({ tenantId, code: err.code, message: err.message });
        await this.audit.recordAfter(scope, audit, {
          action: 'key.rewrap',
          target: { type: 'tenant', id: tenantId },
          outcome: 'failure',
          details: { masterKeyId, code: err.code },
        });
      }
    }
    return result;
  }
}
