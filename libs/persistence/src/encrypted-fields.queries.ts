/**
 * The SQL of EncryptedFieldRepository: where FieldCipher text sits in each encrypted table, and
 * which rows hold a value under an older data key version.
 */

/**
 * Every column that holds FieldCipher text: credential values, definitions' sealed secrets and
 * users' TOTP secrets. The re-encryption job walks exactly these, and GET /v1/keys counts them.
 */
export const ENCRYPTED_TABLES = ['credential_versions', 'workflow_versions', 'users'] as const;
export type EncryptedTable = (typeof ENCRYPTED_TABLES)[number];

export function isEncryptedTable(name: string): name is EncryptedTable {
  return (ENCRYPTED_TABLES as readonly string[]).includes(name);
}

/**
 * The data key version inside FieldCipher text, read by PostgreSQL. The text is `wdn1.` and the
 * sealed bytes in base64url; those start with 'W' (0x57), format 1 and the version as 4 bytes
 * big-endian (libs/crypto/src/envelope.ts), which are exactly the first 8 base64 characters.
 * NULL for anything else. Checked against FieldCipher.keyVersionOf by encrypted-fields.int.spec.
 */
export function keyVersionSql(text: string): string {
  return `(CASE WHEN ${text} ~ '^wdn1\\.Vw[EFGH][A-Za-z0-9_-]{5}'
    THEN ('x' || encode(substring(decode(translate(substr(${text}, 6, 8), '-_', '+/'), 'base64')
      FROM 3 FOR 4), 'hex'))::bit(32)::integer END)`;
}

/** The sealed secrets of a definition `v.definition`: one row (step_index, step_id, map, name, ciphertext) each. */
export const SEALED_SECRETS = `
  jsonb_array_elements(CASE WHEN jsonb_typeof(v.definition->'steps') = 'array'
                            THEN v.definition->'steps' ELSE '[]'::jsonb END)
    WITH ORDINALITY AS s(step, step_number)
  CROSS JOIN unnest(ARRAY['env', 'headers', 'config']) AS m(map)
  CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(s.step->m.map) = 'object'
                                     THEN s.step->m.map ELSE '{}'::jsonb END) AS e(name, value)`;
export const IS_SEALED = `e.value->'secret' = 'true'::jsonb AND jsonb_typeof(e.value->'ciphertext') = 'string'`;

const MIN_UUID = '00000000-0000-0000-0000-000000000000';

export interface Query {
  sql: string;
  params: unknown[];
}

export function staleQuery(
  table: EncryptedTable,
  tenantId: string,
  tenantVersion: number,
  page?: { after: string | null; limit: number },
): Query {
  switch (table) {
    case 'credential_versions': {
      const [credentialId, version] = page?.after ? splitCursor(page.after) : [MIN_UUID, 0];
      return {
        sql: `SELECT credential_id, version, ciphertext FROM credential_versions
               WHERE tenant_id = $1 AND key_version < $2
                 ${page ? 'AND (credential_id, version) > ($3::uuid, $4::integer)' : ''}
               ORDER BY credential_id, version ${page ? 'LIMIT $5' : ''}`,
        params: page
          ? [tenantId, tenantVersion, credentialId, version, page.limit]
          : [tenantId, tenantVersion],
      };
    }
    case 'workflow_versions':
      return {
        sql: `SELECT v.id, v.workflow_id, v.version, v.definition FROM workflow_versions v
               WHERE v.tenant_id = $1 ${page ? 'AND v.id > $3::uuid' : ''}
                 AND EXISTS (SELECT 1 FROM ${SEALED_SECRETS}
                              WHERE ${IS_SEALED}
                                AND ${keyVersionSql(`e.value->>'ciphertext'`)} < $2)
               ORDER BY v.id ${page ? 'LIMIT $4' : ''}`,
        params: page
          ? [tenantId, tenantVersion, page.after ?? MIN_UUID, page.limit]
          : [tenantId, tenantVersion],
      };
    case 'users':
      // Each TOTP secret is under its own user's key: stale against that key's active version.
      // A user whose key was destroyed has nothing readable left to move.
      return {
        sql: `SELECT u.id, u.mfa_secret FROM users u
                LEFT JOIN tenant_data_keys k
                  ON k.tenant_id = u.tenant_id AND k.scope = 'subject:' || u.id AND k.state = 'active'
               WHERE u.tenant_id = $1 AND u.mfa_secret IS NOT NULL
                 AND (u.mfa_secret NOT LIKE 'wdn1.%' OR ${keyVersionSql('u.mfa_secret')} < k.version)
                 ${page ? 'AND u.id > $2::uuid' : ''}
               ORDER BY u.id ${page ? 'LIMIT $3' : ''}`,
        params: page ? [tenantId, page.after ?? MIN_UUID, page.limit] : [tenantId],
      };
  }
}

/** `<credentialId>:<version>` -> its parts. */
export function splitCursor(cursor: string): [string, number] {
  const colon = cursor.lastIndexOf(':');
  return [cursor.slice(0, colon), Number(cursor.slice(colon + 1))];
}
