import type { FieldContext } from '@warden/crypto';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { CredentialVersionEntity } from './entities/credential-version.entity';
import { CredentialEntity, type CredentialType } from './entities/credential.entity';
import { isUuid } from './ids';
import { insertedRows } from './insert-result';
import { PersistenceError } from './persistence.errors';
import { withTenant } from './tenant-db';
import type { TenantScope } from './tenant-scope';

/**
 * Where a credential version's ciphertext belongs: the API encrypts and the worker decrypts with
 * exactly this context, so a value copied into another row, credential or tenant does not open.
 */
export function credentialFieldContext(
  tenantId: string,
  credentialId: string,
  version: number,
): FieldContext {
  return { tenantId, table: 'credential_versions', recordId: `${credentialId}:${version}`, field: 'data' };
}

/** A value already encrypted for its row (credentialFieldContext of its id and version). */
export interface SealedCredentialValue {
  ciphertext: string;
  keyVersion: number;
  /** The value's keys, e.g. ['username', 'password']: shown as metadata, never the values. */
  fieldNames: string[];
}

export interface NewCredential {
  /** Chosen by the caller: the ciphertext is bound to it before the row exists. */
  id: string;
  name: string;
  type: CredentialType;
  description: string | null;
  value: SealedCredentialValue;
  createdBy: string;
}

export interface CredentialWithVersion {
  credential: CredentialEntity;
  /** The current version. */
  version: CredentialVersionEntity;
}

export interface CredentialListFilter {
  /** Names after this one, in name order. */
  after?: string;
  limit: number;
}

/** A step of a workflow's current version that names the credential. */
export interface CredentialUsage {
  workflowId: string;
  workflowName: string;
  workflowVersion: number;
  stepId: string;
  /** The step's credential slot the name fills. */
  slot: string;
}

/** A version a worker may decrypt and use now. */
export interface UsableCredentialVersion {
  version: number;
  ciphertext: string;
  /** Null for the current version. */
  validUntil: Date | null;
}

/** What a worker needs to use a credential by name: the current value, and older ones still in grace. */
export interface UsableCredential extends UsableCredentialVersion {
  credentialId: string;
  name: string;
  type: CredentialType;
  /** Older versions whose grace period has not ended, newest first. */
  previous: UsableCredentialVersion[];
}

/**
 * The credentials vault of one tenant: metadata rows and immutable, encrypted versions. Nothing
 * here sees a plaintext value. Every method runs in a tenant transaction or joins the one given.
 */
export class CredentialRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The credential with version 1. PersistenceError `credential_name_taken` if a live one has the name. */
  async create(scope: TenantScope, input: NewCredential): Promise<CredentialWithVersion> {
    return withTenant(this.dataSource, scope, async ({ manager: m }) => {
      const credential = m.create(CredentialEntity, {
        id: input.id,
        tenantId: scope.tenantId,
        name: input.name,
        type: input.type,
        description: input.description,
        currentVersion: 1,
        createdBy: input.createdBy,
        deletedAt: null,
      });
      const inserted = await m
        .createQueryBuilder()
        .insert()
        .into(CredentialEntity)
        .values(credential)
        .orIgnore()
        .execute();
      if (insertedRows(inserted.raw) === 0) {
        throw new PersistenceError('credential_name_taken', `a credential named '${input.name}' exists`);
      }
      const version = await insertVersion(m, scope, input.id, 1, input.value, input.createdBy);
      return { credential: await m.findOneByOrFail(CredentialEntity, { id: input.id }), version };
    });
  }

  /** A live (not deleted) credential; `lock: 'update'` orders concurrent writers of it. */
  async find(scope: TenantScope, id: string, lock?: 'update'): Promise<CredentialEntity | undefined> {
    if (!isUuid(id)) return undefined;
    const found = await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.findOne(CredentialEntity, {
        where: { tenantId: scope.tenantId, id, deletedAt: IsNull() },
        ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
      }),
    );
    return found ?? undefined;
  }

  async withCurrentVersion(scope: TenantScope, credential: CredentialEntity): Promise<CredentialWithVersion> {
    return withTenant(this.dataSource, scope, async ({ manager: m }) => ({
      credential,
      version: await m.findOneByOrFail(CredentialVersionEntity, {
        tenantId: scope.tenantId,
        credentialId: credential.id,
        version: credential.currentVersion,
      }),
    }));
  }

  /** Live credentials by name, each with its current version. */
  async list(scope: TenantScope, filter: CredentialListFilter): Promise<CredentialWithVersion[]> {
    return withTenant(this.dataSource, scope, async ({ manager: m }) => {
      const query = m
        .createQueryBuilder(CredentialEntity, 'c')
        .where('c.tenant_id = :tenantId AND c.deleted_at IS NULL', { tenantId: scope.tenantId })
        .orderBy('c.name', 'ASC')
        .take(filter.limit);
      if (filter.after !== undefined) query.andWhere('c.name > :after', { after: filter.after });
      const credentials = await query.getMany();
      if (credentials.length === 0) return [];
      const versions = await m
        .createQueryBuilder(CredentialVersionEntity, 'v')
        .innerJoin(CredentialEntity, 'c', 'c.id = v.credential_id AND c.current_version = v.version')
        .where('v.tenant_id = :tenantId AND v.credential_id IN (:...ids)', {
          tenantId: scope.tenantId,
          ids: credentials.map((c) => c.id),
        })
        .getMany();
      const byId = new Map(versions.map((v) => [v.credentialId, v]));
      // Written with its credential in one transaction, so every credential has its current version.
      return credentials.map((credential) => ({ credential, version: byId.get(credential.id)! }));
    });
  }

  /**
   * Appends version `expectedVersion + 1` and makes it current. Every older version stays valid
   * until `previousValidUntil` at the latest (now: at once; later: a rotation's grace period).
   * PersistenceError `version_conflict` when another write got there first (the caller sealed
   * the value for a version number that is now taken), undefined when the credential is gone.
   */
  async addVersion(
    scope: TenantScope,
    id: string,
    expectedVersion: number,
    value: SealedCredentialValue,
    opts: { previousValidUntil: Date; createdBy: string },
  ): Promise<CredentialWithVersion | undefined> {
    return withTenant(this.dataSource, scope, async (tx) => {
      const credential = await this.find(tx, id, 'update');
      if (!credential) return undefined;
      if (credential.currentVersion !== expectedVersion) {
        throw new PersistenceError(
          'version_conflict',
          'the credential changed while this version was sealed',
        );
      }
      const m = tx.manager;
      const next = expectedVersion + 1;
      await m.query(
        `UPDATE "credential_versions"
            SET "valid_until" = LEAST(COALESCE("valid_until", 'infinity'::timestamptz), $3)
          WHERE "tenant_id" = $1 AND "credential_id" = $2`,
        [scope.tenantId, id, opts.previousValidUntil],
      );
      const version = await insertVersion(m, scope, id, next, value, opts.createdBy);
      await m.update(CredentialEntity, { tenantId: scope.tenantId, id }, { currentVersion: next });
      return { credential: await m.findOneByOrFail(CredentialEntity, { id }), version };
    });
  }

  async setDescription(scope: TenantScope, id: string, description: string | null): Promise<void> {
    await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.update(CredentialEntity, { tenantId: scope.tenantId, id }, { description }),
    );
  }

  /** Marks it deleted and ends every version's validity, so no worker resolves it any more. */
  async softDelete(scope: TenantScope, id: string, now: Date): Promise<void> {
    await withTenant(this.dataSource, scope, async ({ manager: m }) => {
      await m.update(CredentialEntity, { tenantId: scope.tenantId, id }, { deletedAt: now });
      await m.query(
        `UPDATE "credential_versions"
            SET "valid_until" = LEAST(COALESCE("valid_until", 'infinity'::timestamptz), $3)
          WHERE "tenant_id" = $1 AND "credential_id" = $2`,
        [scope.tenantId, id, now],
      );
    });
  }

  /** Steps of workflows' current versions whose `credentials` map names `name`. */
  async usage(scope: TenantScope, name: string): Promise<CredentialUsage[]> {
    return withTenant(this.dataSource, scope, async ({ manager: m }) => {
      const rows: { id: string; name: string; version: number; step_id: string; slot: string }[] =
        await m.query(
          `SELECT w.id, w.name, v.version, s.step->>'id' AS step_id, slot.key AS slot
             FROM workflows w
             JOIN workflow_versions v
               ON v.workflow_id = w.id AND v.tenant_id = w.tenant_id AND v.version = w.current_version
             CROSS JOIN LATERAL jsonb_array_elements(
               CASE WHEN jsonb_typeof(v.definition->'steps') = 'array' THEN v.definition->'steps'
                    ELSE '[]'::jsonb END) AS s(step)
             CROSS JOIN LATERAL jsonb_each_text(
               CASE WHEN jsonb_typeof(s.step->'credentials') = 'object' THEN s.step->'credentials'
                    ELSE '{}'::jsonb END) AS slot
            WHERE w.tenant_id = $1 AND slot.value = $2
            ORDER BY w.name, step_id, slot`,
          [scope.tenantId, name],
        );
      return rows.map((r) => ({
        workflowId: r.id,
        workflowName: r.name,
        workflowVersion: r.version,
        stepId: r.step_id,
        slot: r.slot,
      }));
    });
  }

  /**
   * For a worker about to run a step: the live credential named `name`, its current version and
   * the older ones still valid at `now`. Ciphertext only; the worker decrypts it with
   * credentialFieldContext(tenantId, credentialId, version).
   */
  async resolveForUse(scope: TenantScope, name: string, now: Date): Promise<UsableCredential | undefined> {
    return withTenant(this.dataSource, scope, async ({ manager: m }) => {
      const rows: {
        id: string;
        name: string;
        type: CredentialType;
        current: boolean;
        version: number;
        ciphertext: string;
        valid_until: Date | null;
      }[] = await m.query(
        `SELECT c.id, c.name, c.type, (v.version = c.current_version) AS current,
                v.version, v.ciphertext, v.valid_until
           FROM credentials c
           JOIN credential_versions v ON v.credential_id = c.id AND v.tenant_id = c.tenant_id
          WHERE c.tenant_id = $1 AND c.name = $2 AND c.deleted_at IS NULL
            AND (v.version = c.current_version OR v.valid_until > $3)
          ORDER BY v.version DESC`,
        [scope.tenantId, name, now],
      );
      const current = rows.find((r) => r.current);
      if (!current) return undefined;
      return {
        credentialId: current.id,
        name: current.name,
        type: current.type,
        version: current.version,
        ciphertext: current.ciphertext,
        validUntil: null,
        previous: rows
          .filter((r) => !r.current)
          .map((r) => ({ version: r.version, ciphertext: r.ciphertext, validUntil: r.valid_until })),
      };
    });
  }
}

async function insertVersion(
  m: EntityManager,
  scope: TenantScope,
  credentialId: string,
  version: number,
  value: SealedCredentialValue,
  createdBy: string,
): Promise<CredentialVersionEntity> {
  await m.insert(CredentialVersionEntity, {
    tenantId: scope.tenantId,
    credentialId,
    version,
    ciphertext: value.ciphertext,
    keyVersion: value.keyVersion,
    fieldNames: value.fieldNames,
    createdBy,
    validUntil: null,
  });
  return m.findOneByOrFail(CredentialVersionEntity, { credentialId, version });
}
