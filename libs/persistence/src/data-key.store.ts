import type { DataKeyStore, KeyContext, KeyScope, StoredDataKey, WrappedDataKey } from '@warden/crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { TenantDataKeyEntity } from './entities/tenant-data-key.entity';
import { withTenant } from './tenant-db';

/**
 * The tenants' wrapped data keys in PostgreSQL (tenant_data_keys, under row-level security).
 * Each call is one tenant transaction of its own, never joined with a caller's: the key ring
 * calls it while encrypting, and a caller's transaction must not hold a connection while the
 * ring waits for another.
 */
export class PostgresDataKeyStore implements DataKeyStore {
  constructor(private readonly dataSource: DataSource) {}

  async current(context: KeyContext): Promise<StoredDataKey | undefined> {
    return this.in(context, async (m) => {
      const row = await m.findOne(TenantDataKeyEntity, {
        where: { tenantId: context.tenantId, scope: context.scope, state: 'active' },
      });
      return row ? toStored(row) : undefined;
    });
  }

  async get(context: KeyContext, version: number): Promise<StoredDataKey | undefined> {
    if (!Number.isSafeInteger(version) || version < 1 || version > 2 ** 31 - 1) return undefined;
    return this.in(context, async (m) => {
      const row = await m.findOne(TenantDataKeyEntity, {
        where: { tenantId: context.tenantId, scope: context.scope, version },
      });
      return row ? toStored(row) : undefined;
    });
  }

  async list(tenantId: string, scope?: KeyScope): Promise<StoredDataKey[]> {
    return withTenant(this.dataSource, { tenantId }, async ({ manager: m }) => {
      const rows = await m.find(TenantDataKeyEntity, {
        where: { tenantId, ...(scope === undefined ? {} : { scope }) },
        order: { createdAt: 'ASC', version: 'ASC' },
      });
      return rows.map(toStored);
    });
  }

  /**
   * Serialized per (tenant, scope) by a transaction-scoped advisory lock: a second caller waits,
   * then sees the first one's row. So the first key of a context is made once (onlyIfNone), and
   * concurrent rotations each get a version of their own instead of a key conflict.
   */
  async add(
    context: KeyContext,
    key: WrappedDataKey,
    opts: { onlyIfNone?: boolean } = {},
  ): Promise<StoredDataKey> {
    return this.in(context, async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('warden.data_keys'), hashtext($1))`, [
        `${context.tenantId}/${context.scope}`,
      ]);
      const active = await m.findOne(TenantDataKeyEntity, {
        where: { tenantId: context.tenantId, scope: context.scope, state: 'active' },
      });
      if (active && opts.onlyIfNone) return toStored(active);
      const [{ next }] = (await m.query(
        `SELECT COALESCE(MAX("version"), 0) + 1 AS next FROM "tenant_data_keys"
          WHERE "tenant_id" = $1 AND "scope" = $2`,
        [context.tenantId, context.scope],
      )) as [{ next: number }];
      // clock_timestamp(), not now(): the lock may have been waited for, and versions must
      // read oldest first by time as well as by number.
      if (active) {
        await m.query(
          `UPDATE "tenant_data_keys" SET "state" = 'retired', "retired_at" = clock_timestamp()
            WHERE "tenant_id" = $1 AND "scope" = $2 AND "version" = $3`,
          [context.tenantId, context.scope, active.version],
        );
      }
      await m.query(
        `INSERT INTO "tenant_data_keys" ("tenant_id", "scope", "version", "wrapped", "master_key_id", "state", "created_at")
         VALUES ($1, $2, $3, $4, $5, 'active', clock_timestamp())`,
        [context.tenantId, context.scope, next, Buffer.from(key.wrapped), key.masterKeyId],
      );
      const stored = await m.findOneByOrFail(TenantDataKeyEntity, {
        tenantId: context.tenantId,
        scope: context.scope,
        version: next,
      });
      return toStored(stored);
    });
  }

  /** A destroyed version stays destroyed: its bytes are not brought back. */
  async rewrap(context: KeyContext, version: number, key: WrappedDataKey): Promise<void> {
    await this.in(context, (m) =>
      m.query(
        `UPDATE "tenant_data_keys" SET "wrapped" = $4, "master_key_id" = $5
          WHERE "tenant_id" = $1 AND "scope" = $2 AND "version" = $3 AND "state" <> 'destroyed'`,
        [context.tenantId, context.scope, version, Buffer.from(key.wrapped), key.masterKeyId],
      ),
    );
  }

  /** Returns how many versions were destroyed now (already destroyed ones do not count). */
  async destroy(context: KeyContext, version?: number): Promise<number> {
    return this.in(context, async (m) => {
      const [rows] = (await m.query(
        `UPDATE "tenant_data_keys"
            SET "state" = 'destroyed', "wrapped" = NULL, "destroyed_at" = now()
          WHERE "tenant_id" = $1 AND "scope" = $2 AND ($3::integer IS NULL OR "version" = $3)
            AND "state" <> 'destroyed'
          RETURNING "version"`,
        [context.tenantId, context.scope, version ?? null],
      )) as [unknown[], number];
      return rows.length;
    });
  }

  private in<T>(context: KeyContext, fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return withTenant(this.dataSource, { tenantId: context.tenantId }, ({ manager }) => fn(manager));
  }
}

function toStored(row: TenantDataKeyEntity): StoredDataKey {
  return {
    tenantId: row.tenantId,
    scope: row.scope as KeyScope,
    version: row.version,
    wrapped: row.wrapped,
    masterKeyId: row.masterKeyId,
    state: row.state,
    createdAt: row.createdAt,
  };
}
