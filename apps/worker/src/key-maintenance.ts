/**
 * Key maintenance on the worker: the re-encryption job's port over the tenant's encrypted rows
 * (EncryptedFieldRepository) and the process's key ring. Values are opened and sealed again in
 * memory, outside any transaction (a key lookup may need a connection of its own); each batch's
 * writes then commit together in one tenant transaction, each only if its row still holds what
 * was read, so a retried batch changes nothing twice.
 */
import { ApplicationFailure } from '@temporalio/common';
import { AuditLog } from '@warden/audit';
import { FieldCipher, isUnreadableCiphertext, TENANT_SCOPE, type KeyRing } from '@warden/crypto';
import {
  REENCRYPT_ERROR_TYPES,
  type KeyMaintenance,
  type ReencryptBatchInput,
  type ReencryptBatchResult,
  type ReencryptFinishInput,
  type StaleCountInput,
} from '@warden/engine';
import {
  EncryptedFieldRepository,
  isEncryptedTable,
  withTenant,
  type EncryptedRow,
  type EncryptedTable,
  type StoredField,
} from '@warden/persistence';
import type { DataSource } from 'typeorm';

export function ringKeyMaintenance(dataSource: DataSource, ring: KeyRing): KeyMaintenance {
  return new TenantKeyMaintenance(dataSource, ring);
}

class TenantKeyMaintenance implements KeyMaintenance {
  private readonly fields: EncryptedFieldRepository;
  private readonly cipher: FieldCipher;

  constructor(
    private readonly dataSource: DataSource,
    private readonly ring: KeyRing,
  ) {
    this.fields = new EncryptedFieldRepository(dataSource);
    this.cipher = new FieldCipher(ring);
  }

  countStale(input: StaleCountInput): Promise<number> {
    return this.fields.countStale({ tenantId: input.tenantId }, tableOf(input.table), input.targetVersion);
  }

  async reencryptBatch(input: ReencryptBatchInput, beat: () => void): Promise<ReencryptBatchResult> {
    const scope = { tenantId: input.tenantId };
    await this.seeVersion(input.tenantId, input.targetVersion);
    const rows = await this.fields.staleRows(scope, tableOf(input.table), input.targetVersion, {
      after: input.after,
      limit: input.limit,
    });
    const resealed: { row: EncryptedRow; values: string[] }[] = [];
    const failures: ReencryptBatchResult['failures'] = [];
    for (const row of rows) {
      try {
        const values: string[] = [];
        for (const field of row.fields) values.push(await this.sealAgain(field));
        resealed.push({ row, values });
      } catch (err) {
        // A row that cannot be read stays as it is and the job goes on; anything else (the
        // provider, the database) fails the batch, which Temporal retries.
        if (!isUnreadableCiphertext(err)) throw err;
        failures.push({ recordId: row.key, code: err.code });
      }
      beat();
    }
    await withTenant(this.dataSource, scope, async (tx) => {
      for (const { row, values } of resealed) await this.fields.reseal(tx, row, values);
    });
    const last = rows[rows.length - 1];
    return {
      processed: resealed.length,
      failures,
      next: rows.length < input.limit || last === undefined ? null : last.key,
    };
  }

  async recordFinished({ jobId, progress }: ReencryptFinishInput): Promise<void> {
    await withTenant(this.dataSource, { tenantId: progress.tenantId }, (tx) =>
      AuditLog.append(tx.manager, {
        tenantId: progress.tenantId,
        actor: { type: 'system', id: 'worker' },
        action: 'key.reencrypt.finish',
        target: { type: 'data_key', id: `tenant/v${progress.targetVersion}` },
        outcome: progress.error === undefined ? 'success' : 'failure',
        details: {
          jobId,
          targetVersion: progress.targetVersion,
          total: progress.total,
          processed: progress.processed,
          failed: progress.failed,
          tables: progress.tables.map(({ table, processed, failed }) => ({ table, processed, failed })),
          ...(progress.error === undefined ? {} : { error: progress.error }),
        },
      }),
    );
  }

  /** A legacy plaintext value is sealed for the first time; a sealed one moves to the current key. */
  private sealAgain(field: StoredField): Promise<string> {
    return field.sealed
      ? this.cipher.reencrypt(field.context, field.value)
      : this.cipher.encrypt(field.context, field.value);
  }

  /**
   * This process may still hold the version that was current before the rotation (the ring
   * caches it): forget it, and retry later if even the table does not show the new one yet.
   */
  private async seeVersion(tenantId: string, targetVersion: number): Promise<void> {
    const context = { tenantId, scope: TENANT_SCOPE };
    if ((await this.ring.currentKey(context)).version >= targetVersion) return;
    this.ring.evict(tenantId);
    const current = await this.ring.currentKey(context);
    if (current.version < targetVersion) {
      throw new Error(`data key version ${targetVersion} is not the current one yet (${current.version} is)`);
    }
  }
}

function tableOf(name: string): EncryptedTable {
  if (!isEncryptedTable(name)) {
    throw ApplicationFailure.nonRetryable(
      `'${name}' is not an encrypted table`,
      REENCRYPT_ERROR_TYPES.unknownTable,
    );
  }
  return name;
}
