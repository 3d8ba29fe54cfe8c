import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants, workflows with immutable versions, and runs. Every tenant-owned table carries
 * tenant_id. The default tenant is seeded with a literal id: a migration is history and must
 * not change when a constant does (a test checks it equals DEFAULT_TENANT_ID).
 */
export class InitialSchema1732262400000 implements MigrationInterface {
  name = 'InitialSchema1732262400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "tenants" (
        "id" uuid NOT NULL,
        "slug" text NOT NULL,
        "name" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_tenants" PRIMARY KEY ("id"),
        CONSTRAINT "uq_tenants_slug" UNIQUE ("slug")
      )`);
    await q.query(`
      CREATE TABLE "workflows" (
        "id" uuid NOT NULL,
        "tenant_id" uuid NOT NULL,
        "name" text NOT NULL,
        "description" text,
        "current_version" integer NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_workflows" PRIMARY KEY ("id"),
        CONSTRAINT "uq_workflows_tenant_name" UNIQUE ("tenant_id", "name"),
        CONSTRAINT "fk_workflows_tenant" FOREIGN KEY ("tenant_id")
          REFERENCES "tenants" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await q.query(`
      CREATE TABLE "workflow_versions" (
        "id" uuid NOT NULL,
        "tenant_id" uuid NOT NULL,
        "workflow_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "source" text NOT NULL,
        "format" text NOT NULL,
        "definition" jsonb NOT NULL,
        "checksum" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_workflow_versions" PRIMARY KEY ("id"),
        CONSTRAINT "uq_workflow_versions_workflow_version" UNIQUE ("workflow_id", "version"),
        CONSTRAINT "ck_workflow_versions_format" CHECK ("format" IN ('yaml', 'json')),
        CONSTRAINT "ck_workflow_versions_version" CHECK ("version" >= 1),
        CONSTRAINT "fk_workflow_versions_tenant" FOREIGN KEY ("tenant_id")
          REFERENCES "tenants" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
        CONSTRAINT "fk_workflow_versions_workflow" FOREIGN KEY ("workflow_id")
          REFERENCES "workflows" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await q.query(`
      CREATE TABLE "runs" (
        "id" uuid NOT NULL,
        "tenant_id" uuid NOT NULL,
        "workflow_id" uuid NOT NULL,
        "workflow_version" integer NOT NULL,
        "status" text NOT NULL,
        "inputs" jsonb NOT NULL,
        "profile" text NOT NULL,
        "temporal_workflow_id" text NOT NULL,
        "idempotency_key" text,
        "result" jsonb,
        "error" jsonb,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "started_at" timestamptz,
        "finished_at" timestamptz,
        CONSTRAINT "pk_runs" PRIMARY KEY ("id"),
        CONSTRAINT "uq_runs_tenant_idempotency_key" UNIQUE ("tenant_id", "idempotency_key"),
        CONSTRAINT "ck_runs_status" CHECK (
          "status" IN ('pending', 'running', 'waiting_approval', 'succeeded', 'failed', 'cancelled')),
        CONSTRAINT "ck_runs_profile" CHECK ("profile" IN ('plan_only', 'restricted', 'standard', 'elevated')),
        CONSTRAINT "fk_runs_tenant" FOREIGN KEY ("tenant_id")
          REFERENCES "tenants" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
        CONSTRAINT "fk_runs_workflow" FOREIGN KEY ("workflow_id")
          REFERENCES "workflows" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await q.query(
      `CREATE INDEX "idx_runs_tenant_workflow" ON "runs" ("tenant_id", "workflow_id", "created_at")`,
    );
    await q.query(`CREATE INDEX "idx_runs_tenant_status" ON "runs" ("tenant_id", "status")`);
    await q.query(
      `INSERT INTO "tenants" ("id", "slug", "name")
       VALUES ('00000000-0000-0000-0000-000000000001', 'default', 'Default tenant')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "runs"`);
    await q.query(`DROP TABLE "workflow_versions"`);
    await q.query(`DROP TABLE "workflows"`);
    await q.query(`DROP TABLE "tenants"`);
  }
}
