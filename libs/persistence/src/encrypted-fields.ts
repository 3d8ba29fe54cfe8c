import { FieldCipher, type FieldContext, type KeyScope } from '@warden/crypto';
import { isSealedSecret, type WorkflowDefinition } from '@warden/definition';
import type { DataSource, EntityManager } from 'typeorm';
import { credentialFieldContext } from './credential.repository';
import { withTenant } from './tenant-db';
import type { TenantScope } from './tenant-scope';
import {
  IS_SEALED,
  keyVersionSql,
  SEALED_SECRETS,
  splitCursor,
  staleQuery,
  type EncryptedTable,
} from './encrypted-fields.queries';
import { workflowSecretContext } from './workflow.repository';

export {
  ENCRYPTED_TABLES,
  isEncryptedTable,
  keyVersionSql,
  type EncryptedTable,
} from './encrypted-fields.queries';

/**
 * Where a user's TOTP secret belongs: the user's own data key (scope `subject:<userId>`), so
 * destroying that key erases the second factor with the rest of the person's data.
 */
export function mfaSecretContext(owner: { id: string; tenantId: string }): FieldContext {
  return {
    tenantId: owner.tenantId,
    scope: `subject:${owner.id}`,
    table: 'users',
    recordId: owner.id,
    field: 'mfa_secret',
  };
}

/** One stored value and where it belongs. */
export interface StoredField {
  context: FieldContext;
  /** FieldCipher text; where `sealed` is false, a value stored before encryption existed. */
  value: string;
  sealed: boolean;
  /** In a JSON column: the path of the value inside it. */
  jsonPath?: readonly string[];
}

/** A row with at least one value under an older data key version (or not encrypted yet). */
export interface EncryptedRow {
  table: EncryptedTable;
  /** The primary key as text: the page cursor, and what a failure names. */
  key: string;
  fields: StoredField[];
}

export interface KeyVersionUsage {
  scope: KeyScope;
  version: number;
  /** Stored values sealed with this version. */
  ciphertexts: number;
}

/**
 * What the re-encryption job and the key API need to know about every encrypted column, in
 * the tenant's scope (row-level security applies). "Stale" means sealed with a tenant key
 * version below the one given, or (TOTP secrets, each under its user's own key) below that
 * user's active version, or not encrypted at all yet.
 */
export class EncryptedFieldRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** How many stored values each (scope, version) of the tenant's data keys still protects. */
  async usage(scope: TenantScope): Promise<KeyVersionUsage[]> {
    return withTenant(this.dataSource, scope, async ({ manager: m }) => {
      const rows: { scope: KeyScope; version: number | null; count: string }[] = await m.query(
        `SELECT 'tenant' AS scope, key_version AS version, count(*) AS count
           FROM credential_versions WHERE tenant_id = $1 GROUP BY key_version
         UNION ALL
         SELECT 'tenant', ${keyVersionSql(`sealed.value->>'ciphertext'`)} AS version, count(*)
           FROM workflow_versions v
          CROSS JOIN LATERAL (SELECT e.value FROM ${SEALED_SECRETS} WHERE ${IS_SEALED}) AS sealed
          WHERE v.tenant_id = $1 GROUP BY 2
         UNION ALL
         SELECT 'subject:' || u.id, ${keyVersionSql('u.mfa_secret')}, count(*)
           FROM users u WHERE u.tenant_id = $1 AND u.mfa_secret LIKE 'wdn1.%' GROUP BY 1, 2`,
        [scope.tenantId],
      );
      const total = new Map<string, KeyVersionUsage>();
      for (const row of rows) {
        if (row.version === null) continue; // malformed text: no key opens it anyway
        const key = `${row.scope}\u0000${row.version}`;
        const entry = total.get(key) ?? { scope: row.scope, version: row.version, ciphertexts: 0 };
        entry.ciphertexts += Number(row.count);
        total.set(key, entry);
      }
      return [...total.values()].sort((a, b) => a.scope.localeCompare(b.scope) || a.version - b.version);
    });
  }

  async countStale(scope: TenantScope, table: EncryptedTable, tenantVersion: number): Promise<number> {
    const { sql, params } = staleQuery(table, scope.tenantId, tenantVersion);
    return withTenant(this.dataSource, scope, async ({ manager: m }) => {
      const [row] = (await m.query(`SELECT count(*) AS count FROM (${sql}) AS stale`, params)) as [
        { count: string },
      ];
      return Number(row.count);
    });
  }

  /** Up to `limit` stale rows after the cursor `after` (a row's `key`), in primary key order. */
  async staleRows(
    scope: TenantScope,
    table: EncryptedTable,
    tenantVersion: number,
    page: { after: string | null; limit: number },
  ): Promise<EncryptedRow[]> {
    const { sql, params } = staleQuery(table, scope.tenantId, tenantVersion, page);
    return withTenant(this.dataSource, scope, async ({ manager: m }) => {
      const rows: Record<string, unknown>[] = await m.query(sql, params);
      return rows.map((row) => toEncryptedRow(table, scope.tenantId, row));
    });
  }

  /**
   * Writes `values[i]` (the same value sealed again) in place of `row.fields[i]`, each only if
   * the column still holds what was read: a retried batch or a concurrent writer is never
   * overwritten. Undefined entries stay as they are. Returns how many values were written.
   */
  async reseal(
    scope: TenantScope,
    row: EncryptedRow,
    values: readonly (string | undefined)[],
  ): Promise<number> {
    return withTenant(this.dataSource, scope, async ({ manager: m }) => {
      let written = 0;
      for (const [index, field] of row.fields.entries()) {
        const value = values[index];
        if (value === undefined || value === field.value) continue;
        if (await resealOne(m, scope.tenantId, row, field, value)) written += 1;
      }
      return written;
    });
  }
}

function toEncryptedRow(table: EncryptedTable, tenantId: string, row: Record<string, unknown>): EncryptedRow {
  switch (table) {
    case 'credential_versions': {
      const credentialId = String(row.credential_id);
      const version = Number(row.version);
      return {
        table,
        key: `${credentialId}:${version}`,
        fields: [
          {
            context: credentialFieldContext(tenantId, credentialId, version),
            value: String(row.ciphertext),
            sealed: true,
          },
        ],
      };
    }
    case 'workflow_versions': {
      const workflowId = String(row.workflow_id);
      const version = Number(row.version);
      const definition = row.definition as WorkflowDefinition;
      return {
        table,
        key: String(row.id),
        fields: sealedSecretsOf(tenantId, workflowId, version, definition),
      };
    }
    case 'users': {
      const id = String(row.id);
      const value = String(row.mfa_secret);
      return {
        table,
        key: id,
        fields: [
          { context: mfaSecretContext({ id, tenantId }), value, sealed: FieldCipher.isCiphertext(value) },
        ],
      };
    }
  }
}

/** The definition's sealed secrets, as the API sealed them (see workflowSecretContext). */
function sealedSecretsOf(
  tenantId: string,
  workflowId: string,
  version: number,
  definition: WorkflowDefinition,
): StoredField[] {
  const steps: unknown[] = Array.isArray(definition.steps) ? definition.steps : [];
  return steps.flatMap((step, index) => {
    if (typeof step !== 'object' || step === null) return [];
    const stepId = String(Reflect.get(step, 'id'));
    return ['env', 'headers', 'config'].flatMap((map) => {
      const entries: unknown = Reflect.get(step, map);
      if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) return [];
      return Object.entries(entries).flatMap(([name, value]: [string, unknown]) =>
        isSealedSecret(value)
          ? [
              {
                context: workflowSecretContext(
                  tenantId,
                  workflowId,
                  version,
                  `steps.${stepId}.${map}.${name}`,
                ),
                value: value.ciphertext,
                sealed: true,
                jsonPath: ['steps', String(index), map, name, 'ciphertext'],
              },
            ]
          : [],
      );
    });
  });
}

async function resealOne(
  m: EntityManager,
  tenantId: string,
  row: EncryptedRow,
  field: StoredField,
  value: string,
): Promise<boolean> {
  switch (row.table) {
    case 'credential_versions': {
      const [credentialId, version] = splitCursor(row.key);
      const [result] = (await m.query(
        `SELECT warden_reseal_credential_version($1::uuid, $2::integer, $3, $4, $5::integer) AS ok`,
        [credentialId, version, field.value, value, FieldCipher.keyVersionOf(value)],
      )) as [{ ok: boolean }];
      return result.ok;
    }
    case 'workflow_versions': {
      const rows = (await m.query(
        `UPDATE workflow_versions SET definition = jsonb_set(definition, $3::text[], to_jsonb($4::text))
          WHERE tenant_id = $1 AND id = $2 AND definition #>> $3::text[] = $5
          RETURNING id`,
        [tenantId, row.key, field.jsonPath, value, field.value],
      )) as [unknown[], number];
      return rows[1] > 0;
    }
    case 'users': {
      const rows = (await m.query(
        `UPDATE users SET mfa_secret = $3 WHERE tenant_id = $1 AND id = $2 AND mfa_secret = $4 RETURNING id`,
        [tenantId, row.key, value, field.value],
      )) as [unknown[], number];
      return rows[1] > 0;
    }
  }
}
