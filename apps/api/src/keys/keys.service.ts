import { Injectable } from '@nestjs/common';
import { KeyRing, TENANT_SCOPE, type KeyScope, type StoredDataKey } from '@warden/crypto';
import { parseReencryptJobId } from '@warden/engine';
import {
  EncryptedFieldRepository,
  PostgresDataKeyStore,
  TenantRepository,
  type TenantScope,
} from '@warden/persistence';
import type { AuditContext } from '../audit/audit-context';
import { AuditTrail } from '../audit/audit-trail';
import { KeyChanges } from './key-changes';
import { KeyJobs } from './key-jobs';
import type {
  DestroyKeyBody,
  KeyDestroyed,
  KeyJobView,
  KeyRotated,
  KeyVersionView,
  ShredBody,
  TenantShredded,
} from './keys.dto';
import { keyJobNotFound, KeysError, keyVersionNotFound } from './keys.errors';

/**
 * A tenant's data keys: which versions exist and what still uses them, rotation (with the
 * re-encryption job that moves old ciphertext forward), and destruction, one version once
 * nothing uses it or everything at once (crypto-shredding). Every change is audited and
 * announced, so no process keeps using a key from its cache.
 */
@Injectable()
export class KeysService {
  constructor(
    private readonly ring: KeyRing,
    private readonly store: PostgresDataKeyStore,
    private readonly fields: EncryptedFieldRepository,
    private readonly tenants: TenantRepository,
    private readonly jobs: KeyJobs,
    private readonly changes: KeyChanges,
    private readonly audit: AuditTrail,
  ) {}

  async list(scope: TenantScope): Promise<KeyVersionView[]> {
    const [keys, usage] = await Promise.all([this.store.list(scope.tenantId), this.fields.usage(scope)]);
    const count = new Map(usage.map((u) => [`${u.scope}\u0000${u.version}`, u.ciphertexts]));
    return keys
      .map((key) => ({
        scope: key.scope,
        version: key.version,
        state: key.state,
        createdAt: key.createdAt.toISOString(),
        masterKeyId: key.masterKeyId,
        ciphertexts: count.get(`${key.scope}\u0000${key.version}`) ?? 0,
      }))
      .sort((a, b) => scopeOrder(a.scope, b.scope) || a.version - b.version);
  }

  /**
   * A new active version of the tenant key, then the job that moves older ciphertext to it. If
   * the job cannot start (Temporal is down), the rotation stands and the error says so: a
   * retried request rotates again and its job moves everything below the newer version.
   */
  async rotate(scope: TenantScope, audit: AuditContext): Promise<KeyRotated> {
    const context = { tenantId: scope.tenantId, scope: TENANT_SCOPE };
    const previous = await this.store.current(context);
    const rotated = await this.ring.rotate(context);
    await this.changes.announce(scope.tenantId);
    await this.audit.recordAfter(scope, audit, {
      action: 'key.rotate',
      target: keyTarget(TENANT_SCOPE, rotated.version),
      details: { scope: TENANT_SCOPE, version: rotated.version, previousVersion: previous?.version ?? null },
    });
    const jobId = await this.jobs.start(scope.tenantId, rotated.version);
    await this.audit.recordAfter(scope, audit, {
      action: 'key.reencrypt.start',
      target: keyTarget(TENANT_SCOPE, rotated.version),
      details: { jobId, targetVersion: rotated.version },
    });
    return { scope: 'tenant', version: rotated.version, previousVersion: previous?.version ?? null, jobId };
  }

  async job(scope: TenantScope, jobId: string): Promise<KeyJobView> {
    // Another tenant's job id names nothing here, exactly like an unknown one.
    if (parseReencryptJobId(jobId)?.tenantId !== scope.tenantId) throw keyJobNotFound();
    const job = await this.jobs.get(scope.tenantId, jobId);
    if (job === undefined) throw keyJobNotFound();
    return job;
  }

  /**
   * Destroys one version. Without `force`, refused while it is the active version, while stored
   * values are sealed with it, or (tenant key) while runs that started before the next version
   * are still open: their histories hold payloads only it decrypts.
   */
  async destroy(
    scope: TenantScope,
    version: number,
    body: DestroyKeyBody,
    audit: AuditContext,
  ): Promise<KeyDestroyed> {
    const keyScope = body.scope ?? TENANT_SCOPE;
    const context = { tenantId: scope.tenantId, scope: keyScope };
    const versions = await this.store.list(scope.tenantId, keyScope);
    const key = versions.find((v) => v.version === version);
    if (key === undefined) throw keyVersionNotFound(keyScope, version);
    if (key.state === 'destroyed') return { scope: keyScope, version, state: 'destroyed' };
    const usage = body.force === true ? undefined : await this.usageOf(scope, key, versions);
    if (usage !== undefined && (usage.active || usage.ciphertexts > 0 || usage.openRuns > 0)) {
      throw new KeysError(
        'key_in_use',
        `data key version ${version} is still in use (${describeUsage(usage)}); ` +
          'run the re-encryption job first (POST /v1/keys/rotate), or send {"force": true} to destroy it anyway',
        { scope: keyScope, version, ...usage },
      );
    }
    const destroyed = await this.ring.destroy(context, version);
    await this.changes.announce(scope.tenantId);
    await this.audit.recordAfter(scope, audit, {
      action: 'key.destroy',
      target: keyTarget(keyScope, version),
      details: { scope: keyScope, version, force: body.force === true, destroyed, ...(usage ?? {}) },
    });
    return { scope: keyScope, version, state: 'destroyed' };
  }

  /** Crypto-shredding: every version of every scope of the tenant; nothing they sealed opens again. */
  async shred(scope: TenantScope, body: ShredBody, audit: AuditContext): Promise<TenantShredded> {
    const tenant = await this.tenants.findById(scope.tenantId);
    if (tenant === undefined || body.confirm !== tenant.slug) {
      throw new KeysError(
        'confirmation_mismatch',
        "destroying every key needs 'confirm' set to the tenant's slug",
        {
          problems: [{ path: 'confirm', message: "must be the tenant's slug" }],
        },
      );
    }
    const scopes = [...new Set((await this.store.list(scope.tenantId)).map((key) => key.scope))];
    let destroyed = 0;
    for (const keyScope of scopes)
      destroyed += await this.ring.destroy({ tenantId: scope.tenantId, scope: keyScope });
    await this.changes.announce(scope.tenantId);
    await this.audit.recordAfter(scope, audit, {
      action: 'key.destroy',
      target: { type: 'data_key', id: null },
      details: { all: true, scopes: scopes.length, destroyed },
    });
    return { destroyed, scopes: scopes.length };
  }

  private async usageOf(
    scope: TenantScope,
    key: StoredDataKey,
    versions: readonly StoredDataKey[],
  ): Promise<{ active: boolean; ciphertexts: number; openRuns: number }> {
    const usage = await this.fields.usage(scope);
    const ciphertexts =
      usage.find((u) => u.scope === key.scope && u.version === key.version)?.ciphertexts ?? 0;
    const active = key.state === 'active';
    // A run open before the next version existed may have sealed payloads with this one.
    const next = versions.find((v) => v.version > key.version);
    const openRuns =
      key.scope === TENANT_SCOPE && next !== undefined && !active
        ? await this.jobs.openRunsStartedBefore(scope.tenantId, next.createdAt)
        : 0;
    return { active, ciphertexts, openRuns };
  }
}

function keyTarget(scope: KeyScope, version: number): { type: string; id: string } {
  return { type: 'data_key', id: `${scope}/v${version}` };
}

/** The tenant key first, then each person's. */
function scopeOrder(a: KeyScope, b: KeyScope): number {
  if (a === b) return 0;
  if (a === TENANT_SCOPE) return -1;
  if (b === TENANT_SCOPE) return 1;
  return a.localeCompare(b);
}

function describeUsage(usage: { active: boolean; ciphertexts: number; openRuns: number }): string {
  const parts: string[] = [];
  if (usage.active) parts.push('it is the active version');
  if (usage.ciphertexts > 0) parts.push(`${usage.ciphertexts} stored values are sealed with it`);
  if (usage.openRuns > 0)
    parts.push(`${usage.openRuns} runs that may hold payloads sealed with it are still open`);
  return parts.join('; ');
}
