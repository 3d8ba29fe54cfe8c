import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables whose rows belong to one tenant: row-level security keeps every query inside it. */
const TENANT_TABLES = [
  'workflows',
  'workflow_versions',
  'runs',
  'users',
  'custom_roles',
  'grants',
  'api_keys',
  'refresh_tokens',
  'audit_events',
] as const;

const CURRENT_TENANT = `NULLIF(current_setting('warden.tenant_id', true), '')::uuid`;

/**
 * Tenancy (isolation, namespace, quotas, policy), identity (users, custom roles, grants, API keys,
 * refresh tokens, signing keys) and the audit chain; row-level security on every tenant table;
 * an append-only trigger on audit_events; and the lookups that run before a tenant is known.
 * Role grants are not here: the application role is cluster-wide and named by configuration
 * (see app-role.ts), so they are applied after migrations.
 */
export class TenancyIdentityAudit1732348800000 implements MigrationInterface {
  name = 'TenancyIdentityAudit1732348800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "tenants"
        ADD COLUMN "isolation" text NOT NULL DEFAULT 'pooled',
        ADD COLUMN "namespace" text NOT NULL DEFAULT 'default',
        ADD COLUMN "max_profile" text NOT NULL DEFAULT 'standard',
        ADD COLUMN "region" text NOT NULL DEFAULT 'local',
        ADD COLUMN "quotas" jsonb NOT NULL
          DEFAULT '{"concurrentRuns":100,"runsPerMinute":600,"apiRequestsPerMinute":6000}',
        ADD COLUMN "mfa_required_roles" text[] NOT NULL DEFAULT '{}',
        ADD COLUMN "updated_at" timestamptz NOT NULL DEFAULT now(),
        ADD CONSTRAINT "ck_tenants_isolation" CHECK ("isolation" IN ('pooled', 'dedicated')),
        ADD CONSTRAINT "ck_tenants_max_profile"
          CHECK ("max_profile" IN ('plan_only', 'restricted', 'standard', 'elevated'))`);
    await q.query(`
      CREATE TABLE "users" (
        "id" uuid NOT NULL,
        "tenant_id" uuid NOT NULL,
        "email" text NOT NULL,
        "display_name" text NOT NULL,
        "password_hash" text,
        "status" text NOT NULL DEFAULT 'active',
        "roles" text[] NOT NULL DEFAULT '{}',
        "platform_admin" boolean NOT NULL DEFAULT false,
        "mfa_secret" text,
        "mfa_enabled" boolean NOT NULL DEFAULT false,
        "mfa_last_step" bigint,
        "recovery_code_hashes" text[] NOT NULL DEFAULT '{}',
        "failed_count" integer NOT NULL DEFAULT 0,
        "first_failure_at" timestamptz,
        "locked_until" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_users" PRIMARY KEY ("id"),
        CONSTRAINT "ck_users_status" CHECK ("status" IN ('active', 'disabled')),
        CONSTRAINT "fk_users_tenant" FOREIGN KEY ("tenant_id")
          REFERENCES "tenants" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await q.query(`CREATE UNIQUE INDEX "uq_users_tenant_email" ON "users" ("tenant_id", lower("email"))`);
    await q.query(`
      CREATE TABLE "custom_roles" (
        "tenant_id" uuid NOT NULL,
        "key" text NOT NULL,
        "name" text NOT NULL,
        "extends" text,
        "add" text[] NOT NULL DEFAULT '{}',
        "remove" text[] NOT NULL DEFAULT '{}',
        CONSTRAINT "pk_custom_roles" PRIMARY KEY ("tenant_id", "key"),
        CONSTRAINT "fk_custom_roles_tenant" FOREIGN KEY ("tenant_id")
          REFERENCES "tenants" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await q.query(`
      CREATE TABLE "grants" (
        "id" uuid NOT NULL,
        "tenant_id" uuid NOT NULL,
        "principal_type" text NOT NULL,
        "principal_id" uuid NOT NULL,
        "permission" text NOT NULL,
        "resource_type" text NOT NULL,
        "resource_id" uuid NOT NULL,
        "granted_by" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_grants" PRIMARY KEY ("id"),
        CONSTRAINT "uq_grants_principal_permission_resource"
          UNIQUE ("tenant_id", "principal_type", "principal_id", "permission", "resource_id"),
        CONSTRAINT "ck_grants_principal_type" CHECK ("principal_type" IN ('user', 'apikey')),
        CONSTRAINT "fk_grants_tenant" FOREIGN KEY ("tenant_id")
          REFERENCES "tenants" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await q.query(`
      CREATE TABLE "api_keys" (
        "id" uuid NOT NULL,
        "tenant_id" uuid NOT NULL,
        "owner_user_id" uuid NOT NULL,
        "name" text NOT NULL,
        "prefix" text NOT NULL,
        "hash" text NOT NULL,
        "previous_hash" text,
        "previous_hash_expires_at" timestamptz,
        "permissions" text[] NOT NULL DEFAULT '{}',
        "expires_at" timestamptz,
        "revoked_at" timestamptz,
        "last_used_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_api_keys" PRIMARY KEY ("id"),
        CONSTRAINT "uq_api_keys_hash" UNIQUE ("hash"),
        CONSTRAINT "fk_api_keys_tenant" FOREIGN KEY ("tenant_id")
          REFERENCES "tenants" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
        CONSTRAINT "fk_api_keys_owner" FOREIGN KEY ("owner_user_id")
          REFERENCES "users" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "idx_api_keys_previous_hash" ON "api_keys" ("previous_hash")
       WHERE "previous_hash" IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE "refresh_tokens" (
        "id" uuid NOT NULL,
        "tenant_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "family_id" uuid NOT NULL,
        "token_hash" text NOT NULL,
        "amr" text[] NOT NULL DEFAULT '{}',
        "expires_at" timestamptz NOT NULL,
        "family_expires_at" timestamptz NOT NULL,
        "used_at" timestamptz,
        "revoked_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_refresh_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "uq_refresh_tokens_token_hash" UNIQUE ("token_hash"),
        CONSTRAINT "fk_refresh_tokens_tenant" FOREIGN KEY ("tenant_id")
          REFERENCES "tenants" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
        CONSTRAINT "fk_refresh_tokens_user" FOREIGN KEY ("user_id")
          REFERENCES "users" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await q.query(`CREATE INDEX "idx_refresh_tokens_family" ON "refresh_tokens" ("tenant_id", "family_id")`);
    await q.query(`
      CREATE TABLE "signing_keys" (
        "kid" text NOT NULL,
        "algorithm" text NOT NULL,
        "public_jwk" jsonb NOT NULL,
        "private_jwk" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "retired_at" timestamptz,
        "not_after" timestamptz,
        CONSTRAINT "pk_signing_keys" PRIMARY KEY ("kid")
      )`);
    await q.query(`
      CREATE TABLE "audit_events" (
        "tenant_id" uuid NOT NULL,
        "seq" bigint NOT NULL,
        "id" uuid NOT NULL,
        "occurred_at" timestamptz NOT NULL,
        "actor_type" text NOT NULL,
        "actor_id" text NOT NULL,
        "action" text NOT NULL,
        "target_type" text NOT NULL,
        "target_id" text,
        "outcome" text NOT NULL,
        "request_id" text,
        "source_ip" text,
        "details" jsonb NOT NULL DEFAULT '{}',
        "prev_hash" text NOT NULL,
        "hash" text NOT NULL,
        CONSTRAINT "pk_audit_events" PRIMARY KEY ("tenant_id", "seq"),
        CONSTRAINT "uq_audit_events_id" UNIQUE ("id"),
        CONSTRAINT "ck_audit_events_outcome" CHECK ("outcome" IN ('success', 'failure', 'denied')),
        CONSTRAINT "ck_audit_events_seq" CHECK ("seq" >= 1),
        CONSTRAINT "fk_audit_events_tenant" FOREIGN KEY ("tenant_id")
          REFERENCES "tenants" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "idx_audit_events_tenant_occurred" ON "audit_events" ("tenant_id", "occurred_at")`,
    );
    await appendOnlyAuditEvents(q);
    for (const table of TENANT_TABLES) await enableTenantIsolation(q, table);
    await createUnscopedLookups(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION "warden_lookup_refresh_token"(text)`);
    await q.query(`DROP FUNCTION "warden_lookup_api_key"(text)`);
    for (const table of ['workflows', 'workflow_versions', 'runs']) {
      await q.query(`DROP POLICY "tenant_isolation" ON "${table}"`);
      await q.query(`ALTER TABLE "${table}" NO FORCE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE "${table}" DISABLE ROW LEVEL SECURITY`);
    }
    // Dropping the table drops its triggers, policies and indexes with it.
    for (const table of ['audit_events', 'signing_keys', 'refresh_tokens', 'api_keys', 'grants']) {
      await q.query(`DROP TABLE "${table}"`);
    }
    await q.query(`DROP TABLE "custom_roles"`);
    await q.query(`DROP TABLE "users"`);
    await q.query(`DROP FUNCTION "warden_refuse_audit_change"()`);
    await q.query(`
      ALTER TABLE "tenants"
        DROP CONSTRAINT "ck_tenants_max_profile",
        DROP CONSTRAINT "ck_tenants_isolation",
        DROP COLUMN "updated_at",
        DROP COLUMN "mfa_required_roles",
        DROP COLUMN "quotas",
        DROP COLUMN "region",
        DROP COLUMN "max_profile",
        DROP COLUMN "namespace",
        DROP COLUMN "isolation"`);
  }
}

/** FORCE makes the policy apply to the table owner too, unless it holds BYPASSRLS. */
async function enableTenantIsolation(q: QueryRunner, table: string): Promise<void> {
  await q.query(`ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY`);
  await q.query(`ALTER TABLE "${table}" FORCE ROW LEVEL SECURITY`);
  await q.query(`
    CREATE POLICY "tenant_isolation" ON "${table}"
      USING ("tenant_id" = ${CURRENT_TENANT})
      WITH CHECK ("tenant_id" = ${CURRENT_TENANT})`);
}

/**
 * Privileges already keep the application role from changing audit rows; the trigger also stops
 * the owner and superusers, who would have to disable it first (which is itself visible).
 */
async function appendOnlyAuditEvents(q: QueryRunner): Promise<void> {
  await q.query(`
    CREATE FUNCTION "warden_refuse_audit_change"() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END
    $$`);
  await q.query(`
    CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit_events"
      FOR EACH ROW EXECUTE FUNCTION "warden_refuse_audit_change"()`);
  await q.query(`
    CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
      FOR EACH STATEMENT EXECUTE FUNCTION "warden_refuse_audit_change"()`);
}

/**
 * THE ESCAPE HATCH from row-level security. A bearer credential arrives before its tenant is
 * known, so these two functions find it by hash across tenants. They run as their owner
 * (SECURITY DEFINER; the owner needs BYPASSRLS or superuser) and return only the tenant and the
 * row id (parameters are not named after columns: in SQL functions a column would win): the caller then reads the row inside that tenant's transaction like any other.
 * EXECUTE is revoked from PUBLIC here and granted to the application role by app-role.ts.
 */
async function createUnscopedLookups(q: QueryRunner): Promise<void> {
  await q.query(`
    CREATE FUNCTION "warden_lookup_api_key"(presented_hash text)
    RETURNS TABLE (tenant_id uuid, id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      SELECT k.tenant_id, k.id FROM public.api_keys k WHERE k.hash = presented_hash
      UNION ALL
      SELECT k.tenant_id, k.id FROM public.api_keys k WHERE k.previous_hash = presented_hash
      LIMIT 1
    $$`);
  await q.query(`
    CREATE FUNCTION "warden_lookup_refresh_token"(presented_hash text)
    RETURNS TABLE (tenant_id uuid, id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      SELECT t.tenant_id, t.id FROM public.refresh_tokens t WHERE t.token_hash = presented_hash
    $$`);
  await q.query(`REVOKE ALL ON FUNCTION "warden_lookup_api_key"(text) FROM PUBLIC`);
  await q.query(`REVOKE ALL ON FUNCTION "warden_lookup_refresh_token"(text) FROM PUBLIC`);
}
