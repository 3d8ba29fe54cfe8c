import type { MigrationInterface, QueryRunner } from 'typeorm';

const VAULT_TABLES = ['tenant_data_keys', 'credentials', 'credential_versions'] as const;

const CURRENT_TENANT = `NULLIF(current_setting('warden.tenant_id', true), '')::uuid`;

/**
 * Envelope encryption and the credentials vault. `tenant_data_keys` holds each tenant's data
 * keys wrapped by the master key, one row per version; at most one version of a (tenant, scope)
 * is active, and a destroyed version has no bytes left (crypto-shredding). `credentials` are
 * named secrets whose values live only as ciphertext in `credential_versions`, one immutable row
 * per version; `valid_until` lets a rotated-away version keep working for a grace period. All
 * three are tenant-owned under forced row-level security; the application role may change only
 * the columns granted in app-role.ts and delete nothing.
 */
export class CredentialsVault1733097600000 implements MigrationInterface {
  name = 'CredentialsVault1733097600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "tenant_data_keys" (
        "tenant_id" uuid NOT NULL,
        "scope" text NOT NULL,
        "version" integer NOT NULL,
        "wrapped" bytea,
        "master_key_id" text NOT NULL,
        "state" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "retired_at" timestamptz,
        "destroyed_at" timestamptz,
        CONSTRAINT "pk_tenant_data_keys" PRIMARY KEY ("tenant_id", "scope", "version"),
        CONSTRAINT "ck_tenant_data_keys_state" CHECK ("state" IN ('active', 'retired', 'destroyed')),
        CONSTRAINT "ck_tenant_data_keys_version" CHECK ("version" >= 1),
        CONSTRAINT "ck_tenant_data_keys_scope" CHECK ("scope" = 'tenant' OR "scope" LIKE 'subject:_%'),
        CONSTRAINT "ck_tenant_data_keys_shredded"
          CHECK (("state" = 'destroyed') = ("wrapped" IS NULL)),
        CONSTRAINT "fk_tenant_data_keys_tenant" FOREIGN KEY ("tenant_id")
          REFERENCES "tenants" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_tenant_data_keys_active" ON "tenant_data_keys" ("tenant_id", "scope")
       WHERE "state" = 'active'`,
    );
    await q.query(`
      CREATE TABLE "credentials" (
        "id" uuid NOT NULL,
        "tenant_id" uuid NOT NULL,
        "name" text NOT NULL,
        "type" text NOT NULL,
        "description" text,
        "current_version" integer NOT NULL,
        "created_by" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "deleted_at" timestamptz,
        CONSTRAINT "pk_credentials" PRIMARY KEY ("id"),
        CONSTRAINT "ck_credentials_type"
          CHECK ("type" IN ('api-key', 'basic', 'bearer', 'oauth2-client', 'custom')),
        CONSTRAINT "ck_credentials_current_version" CHECK ("current_version" >= 1),
        CONSTRAINT "fk_credentials_tenant" FOREIGN KEY ("tenant_id")
          REFERENCES "tenants" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_credentials_tenant_name" ON "credentials" ("tenant_id", "name")
       WHERE "deleted_at" IS NULL`,
    );
    await q.query(`
      CREATE TABLE "credential_versions" (
        "tenant_id" uuid NOT NULL,
        "credential_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "ciphertext" text NOT NULL,
        "key_version" integer NOT NULL,
        "field_names" text array NOT NULL,
        "created_by" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "valid_until" timestamptz,
        CONSTRAINT "pk_credential_versions" PRIMARY KEY ("credential_id", "version"),
        CONSTRAINT "ck_credential_versions_version" CHECK ("version" >= 1),
        CONSTRAINT "fk_credential_versions_tenant" FOREIGN KEY ("tenant_id")
          REFERENCES "tenants" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
        CONSTRAINT "fk_credential_versions_credential" FOREIGN KEY ("credential_id")
          REFERENCES "credentials" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    // The re-encryption job looks for ciphertext under old data key versions.
    await q.query(
      `CREATE INDEX "idx_credential_versions_key_version" ON "credential_versions" ("tenant_id", "key_version")`,
    );
    for (const table of VAULT_TABLES) {
      await q.query(`ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE "${table}" FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY "tenant_isolation" ON "${table}"
          USING ("tenant_id" = ${CURRENT_TENANT})
          WITH CHECK ("tenant_id" = ${CURRENT_TENANT})`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    // Dropping a table drops its policies and indexes with it; dependants first.
    for (const table of [...VAULT_TABLES].reverse()) await q.query(`DROP TABLE "${table}"`);
  }
}
