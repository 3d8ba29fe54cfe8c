import type { MigrationInterface, QueryRunner } from 'typeorm';

const PLUGIN_TABLES = [
  'plugins',
  'plugin_versions',
  'plugin_blobs',
  'plugin_publisher_keys',
  'workflow_plugin_pins',
] as const;

const CURRENT_TENANT = `NULLIF(current_setting('warden.tenant_id', true), '')::uuid`;

/**
 * The plugin registry: plugins and their immutable versions, content-addressed source, the
 * publisher keys a tenant trusts, and the plugin version each workflow version pinned. Every table
 * is tenant-owned, under the same forced row-level security as the others. What the application
 * role may change (only a version's status, a plugin's display fields and deletion mark, a key's
 * revocation) is granted column by column in app-role.ts. Tenants get a plugin policy: whether
 * plugins may run without bubblewrap, and which hosts their plugins may reach at most.
 */
export class PluginRegistry1732435200000 implements MigrationInterface {
  name = 'PluginRegistry1732435200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "tenants" ADD COLUMN "plugin_policy" jsonb NOT NULL
        DEFAULT '{"requireOsSandbox":false,"allowedHosts":null,"fetchesPerMinute":600}'`);
    await q.query(`
      CREATE TABLE "plugins" (
        "id" uuid NOT NULL,
        "tenant_id" uuid NOT NULL,
        "plugin_key" text NOT NULL,
        "name" text NOT NULL,
        "publisher" text NOT NULL,
        "description" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "created_by" text NOT NULL,
        "deleted_at" timestamptz,
        CONSTRAINT "pk_plugins" PRIMARY KEY ("id"),
        CONSTRAINT "fk_plugins_tenant" FOREIGN KEY ("tenant_id")
          REFERENCES "tenants" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_plugins_tenant_key" ON "plugins" ("tenant_id", "plugin_key")
       WHERE "deleted_at" IS NULL`,
    );
    await q.query(`
      CREATE TABLE "plugin_versions" (
        "id" uuid NOT NULL,
        "tenant_id" uuid NOT NULL,
        "plugin_id" uuid NOT NULL,
        "version" text NOT NULL,
        "status" text NOT NULL,
        "manifest" jsonb NOT NULL,
        "language" text NOT NULL,
        "source_sha256" text NOT NULL,
        "digest" text NOT NULL,
        "signature" text,
        "signing_key_id" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "created_by" text NOT NULL,
        CONSTRAINT "pk_plugin_versions" PRIMARY KEY ("id"),
        CONSTRAINT "uq_plugin_versions_plugin_version" UNIQUE ("tenant_id", "plugin_id", "version"),
        CONSTRAINT "ck_plugin_versions_status" CHECK ("status" IN ('DRAFT', 'ACTIVE', 'DEPRECATED')),
        CONSTRAINT "ck_plugin_versions_language" CHECK ("language" IN ('javascript', 'typescript')),
        CONSTRAINT "fk_plugin_versions_tenant" FOREIGN KEY ("tenant_id")
          REFERENCES "tenants" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
        CONSTRAINT "fk_plugin_versions_plugin" FOREIGN KEY ("plugin_id")
          REFERENCES "plugins" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await q.query(`
      CREATE TABLE "plugin_blobs" (
        "tenant_id" uuid NOT NULL,
        "sha256" text NOT NULL,
        "content" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_plugin_blobs" PRIMARY KEY ("tenant_id", "sha256"),
        CONSTRAINT "fk_plugin_blobs_tenant" FOREIGN KEY ("tenant_id")
          REFERENCES "tenants" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await q.query(`
      CREATE TABLE "plugin_publisher_keys" (
        "id" uuid NOT NULL,
        "tenant_id" uuid NOT NULL,
        "key_id" text NOT NULL,
        "name" text NOT NULL,
        "public_key_pem" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "created_by" text NOT NULL,
        "revoked_at" timestamptz,
        CONSTRAINT "pk_plugin_publisher_keys" PRIMARY KEY ("id"),
        CONSTRAINT "uq_plugin_publisher_keys_key" UNIQUE ("tenant_id", "key_id"),
        CONSTRAINT "fk_plugin_publisher_keys_tenant" FOREIGN KEY ("tenant_id")
          REFERENCES "tenants" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await q.query(`
      CREATE TABLE "workflow_plugin_pins" (
        "tenant_id" uuid NOT NULL,
        "workflow_id" uuid NOT NULL,
        "workflow_version" integer NOT NULL,
        "step_id" text NOT NULL,
        "plugin_id" uuid NOT NULL,
        "plugin_key" text NOT NULL,
        "version" text NOT NULL,
        "digest" text NOT NULL,
        CONSTRAINT "pk_workflow_plugin_pins"
          PRIMARY KEY ("tenant_id", "workflow_id", "workflow_version", "step_id"),
        CONSTRAINT "fk_workflow_plugin_pins_tenant" FOREIGN KEY ("tenant_id")
          REFERENCES "tenants" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
        CONSTRAINT "fk_workflow_plugin_pins_workflow" FOREIGN KEY ("workflow_id")
          REFERENCES "workflows" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
        CONSTRAINT "fk_workflow_plugin_pins_plugin" FOREIGN KEY ("plugin_id")
          REFERENCES "plugins" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "idx_workflow_plugin_pins_plugin" ON "workflow_plugin_pins" ("tenant_id", "plugin_id")`,
    );
    for (const table of PLUGIN_TABLES) {
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
    for (const table of [...PLUGIN_TABLES].reverse()) await q.query(`DROP TABLE "${table}"`);
    await q.query(`ALTER TABLE "tenants" DROP COLUMN "plugin_policy"`);
  }
}
