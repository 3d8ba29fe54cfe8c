import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The function's signature, as GRANT, REVOKE and DROP name it. */
const RESEAL_CREDENTIAL_FUNCTION = '"warden_reseal_credential_version"(uuid, integer, text, text, integer)';

/**
 * Key rotation. A credential version's ciphertext is immutable to the application role (it may
 * change `valid_until` only), yet the re-encryption job must move it to a newer data key. This
 * function is the one way it can change: the same row, under the caller's tenant, only forward
 * to a higher key version, and only if it still holds the ciphertext the job read (so a retried
 * batch or a concurrent job writes nothing twice). It runs as its owner (SECURITY DEFINER, like
 * the unscoped lookups); EXECUTE is revoked from PUBLIC here and granted to the role by
 * app-role.ts. The new ciphertext is the same value sealed again: the job decrypts and encrypts
 * with the context the row is bound to, so no other value can be made to open here.
 */
export class KeyRotation1733184000000 implements MigrationInterface {
  name = 'KeyRotation1733184000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION "warden_reseal_credential_version"(
        target_credential uuid, target_version integer, read_ciphertext text,
        new_ciphertext text, new_key_version integer)
      RETURNS boolean
      LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
        WITH resealed AS (
          UPDATE public.credential_versions v
             SET ciphertext = new_ciphertext, key_version = new_key_version
           WHERE v.tenant_id = NULLIF(current_setting('warden.tenant_id', true), '')::uuid
             AND v.credential_id = target_credential
             AND v.version = target_version
             AND v.ciphertext = read_ciphertext
             AND v.key_version < new_key_version
          RETURNING 1)
        SELECT EXISTS (SELECT 1 FROM resealed)
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION ${RESEAL_CREDENTIAL_FUNCTION} FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ${RESEAL_CREDENTIAL_FUNCTION}`);
  }
}
