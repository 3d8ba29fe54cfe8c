import { createHash, randomUUID } from 'node:crypto';
import type { PluginLanguage, PluginManifest, PluginStatus } from '@warden/plugins';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { PluginBlobEntity } from './entities/plugin-blob.entity';
import { PluginPublisherKeyEntity } from './entities/plugin-publisher-key.entity';
import { PluginVersionEntity } from './entities/plugin-version.entity';
import { PluginEntity } from './entities/plugin.entity';
import { WorkflowPluginPinEntity } from './entities/workflow-plugin-pin.entity';
import { insertedRows } from './insert-result';
import { PersistenceError, uniqueViolation } from './persistence.errors';
import { withTenant } from './tenant-db';
import type { TenantScope } from './tenant-scope';

export interface NewPluginVersion {
  manifest: PluginManifest;
  source: string;
  language: PluginLanguage;
  digest: string;
  signature: { value: string; keyId: string } | null;
  /** Audit actor id of the caller. */
  createdBy: string;
}

export interface PluginWithVersion {
  plugin: PluginEntity;
  version: PluginVersionEntity;
}

/** A plugin with its newest version (versions only increase, so newest is highest). */
export interface PluginListing extends PluginWithVersion {
  versionCount: number;
}

export interface PluginListFilter {
  /** Plugin keys after this one, in key order. */
  after?: string;
  /** Only plugins whose newest version has this status. */
  status?: PluginStatus;
  limit: number;
}

/** What a worker needs to run one pinned version, and to re-check it before it does. */
export interface LoadedPluginVersion {
  manifest: PluginManifest;
  source: string;
  language: PluginLanguage;
  digest: string;
  signature: string | null;
  signingKeyId: string | null;
  status: PluginStatus;
}

/** A workflow version pinning a plugin. */
export interface PluginUsage {
  workflowId: string;
  workflowName: string;
  workflowVersion: number;
  /** Whether that is the workflow's current version (only those block deleting the plugin). */
  current: boolean;
  stepId: string;
  version: string;
  digest: string;
}

export type NewPluginPin = Omit<WorkflowPluginPinEntity, 'tenantId' | 'tenant' | 'workflow' | 'plugin'>;

export interface NewPublisherKey {
  keyId: string;
  name: string;
  publicKeyPem: string;
  createdBy: string;
}

/** sha256 hex of the source text: the key of plugin_blobs. */
export function pluginSourceSha256(source: string): string {
  return createHash('sha256').update(source, 'utf8').digest('hex');
}

/**
 * The plugin registry of one tenant: plugins, their immutable versions and content-addressed
 * source, the pins workflow versions hold, and the publisher keys the tenant trusts. Every method
 * runs in a tenant transaction (withTenant) or joins the one passed as its scope.
 */
export class PluginRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Registers a new plugin with its first version. PersistenceError `plugin_key_taken` if it exists. */
  async create(scope: TenantScope, input: NewPluginVersion): Promise<PluginWithVersion> {
    return withTenant(this.dataSource, scope, async ({ manager: m }) => {
      const plugin = m.create(PluginEntity, {
        id: randomUUID(),
        tenantId: scope.tenantId,
        pluginKey: input.manifest.id,
        ...displayFields(input.manifest),
        createdBy: input.createdBy,
        deletedAt: null,
      });
      const inserted = await m
        .createQueryBuilder()
        .insert()
        .into(PluginEntity)
        .values(plugin)
        .orIgnore()
        .execute();
      if (insertedRows(inserted.raw) === 0) {
        throw new PersistenceError('plugin_key_taken', `a plugin '${input.manifest.id}' already exists`);
      }
      return { plugin, version: await insertVersion(m, scope, plugin.id, input) };
    });
  }

  /**
   * The live plugin with this key. `lock: 'update'` serializes writers of the plugin (new
   * versions, deletion); `'share'` keeps it from being deleted while a workflow pins it.
   */
  async find(
    scope: TenantScope,
    pluginKey: string,
    lock?: 'share' | 'update',
  ): Promise<PluginEntity | undefined> {
    const found = await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.findOne(PluginEntity, {
        where: { tenantId: scope.tenantId, pluginKey, deletedAt: IsNull() },
        ...(lock ? { lock: { mode: lock === 'update' ? 'pessimistic_write' : 'pessimistic_read' } } : {}),
      }),
    );
    return found ?? undefined;
  }

  /** Appends a version (the caller checked it is newer) and takes its display fields. */
  async addVersion(
    scope: TenantScope,
    plugin: PluginEntity,
    input: NewPluginVersion,
  ): Promise<PluginWithVersion> {
    try {
      return await withTenant(this.dataSource, scope, async ({ manager: m }) => {
        const version = await insertVersion(m, scope, plugin.id, input);
        const fields = displayFields(input.manifest);
        await m.update(PluginEntity, { tenantId: scope.tenantId, id: plugin.id }, fields);
        return { plugin: Object.assign(plugin, fields), version };
      });
    } catch (err) {
      if (uniqueViolation(err) === 'uq_plugin_versions_plugin_version') {
        throw new PersistenceError('version_conflict', 'this version was written at the same time');
      }
      throw err;
    }
  }

  async list(scope: TenantScope, filter: PluginListFilter): Promise<PluginListing[]> {
    return withTenant(this.dataSource, scope, async ({ manager: m }) => {
      const query = m
        .createQueryBuilder(PluginEntity, 'p')
        .where('p.tenant_id = :tenantId AND p.deleted_at IS NULL', { tenantId: scope.tenantId })
        .orderBy('p.plugin_key', 'ASC')
        .take(filter.limit);
      if (filter.after !== undefined) query.andWhere('p.plugin_key > :after', { after: filter.after });
      if (filter.status !== undefined) {
        query.andWhere(
          `(SELECT v.status FROM plugin_versions v WHERE v.plugin_id = p.id
             ORDER BY v.created_at DESC, v.id DESC LIMIT 1) = :status`,
          { status: filter.status },
        );
      }
      const plugins = await query.getMany();
      return Promise.all(plugins.map((plugin) => listing(m, scope, plugin)));
    });
  }

  /** One plugin with its newest version and how many it has. */
  async listing(scope: TenantScope, plugin: PluginEntity): Promise<PluginListing> {
    return withTenant(this.dataSource, scope, ({ manager }) => listing(manager, scope, plugin));
  }

  /** Newest first. */
  async versions(scope: TenantScope, pluginId: string): Promise<PluginVersionEntity[]> {
    return withTenant(this.dataSource, scope, ({ manager }) =>
      manager.find(PluginVersionEntity, {
        where: { tenantId: scope.tenantId, pluginId },
        order: { createdAt: 'DESC', id: 'DESC' },
      }),
    );
  }

  async findVersion(
    scope: TenantScope,
    pluginId: string,
    version: string,
  ): Promise<PluginVersionEntity | undefined> {
    const found = await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.findOne(PluginVersionEntity, { where: { tenantId: scope.tenantId, pluginId, version } }),
    );
    return found ?? undefined;
  }

  async setStatus(scope: TenantScope, version: PluginVersionEntity, status: PluginStatus): Promise<void> {
    await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.update(PluginVersionEntity, { tenantId: scope.tenantId, id: version.id }, { status }),
    );
    version.status = status;
  }

  async softDelete(scope: TenantScope, pluginId: string): Promise<void> {
    await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.update(PluginEntity, { tenantId: scope.tenantId, id: pluginId }, { deletedAt: new Date() }),
    );
  }

  async source(scope: TenantScope, sha256: string): Promise<string | undefined> {
    const blob = await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.findOne(PluginBlobEntity, { where: { tenantId: scope.tenantId, sha256 } }),
    );
    return blob?.content;
  }

  /**
   * A version by plugin key and version, for a worker about to run it. A pinned version stays
   * loadable after its plugin was deleted; given the pinned `digest`, exactly that code is
   * returned (a plugin deleted and registered again under the same key has other digests).
   */
  async loadVersionByDigest(
    scope: TenantScope,
    pluginKey: string,
    version: string,
    digest?: string,
  ): Promise<LoadedPluginVersion | undefined> {
    return withTenant(this.dataSource, scope, async ({ manager: m }) => {
      const rows: (Omit<LoadedPluginVersion, 'signingKeyId'> & { signing_key_id: string | null })[] =
        await m.query(
          `SELECT v.manifest, b.content AS source, v.language, v.digest, v.signature,
                  v.signing_key_id, v.status
             FROM plugin_versions v
             JOIN plugins p ON p.id = v.plugin_id AND p.tenant_id = v.tenant_id
             JOIN plugin_blobs b ON b.tenant_id = v.tenant_id AND b.sha256 = v.source_sha256
            WHERE v.tenant_id = $1 AND p.plugin_key = $2 AND v.version = $3
              AND ($4::text IS NULL OR v.digest = $4)
            ORDER BY p.deleted_at DESC NULLS FIRST
            LIMIT 1`,
          [scope.tenantId, pluginKey, version, digest ?? null],
        );
      const row = rows[0];
      if (!row) return undefined;
      const { signing_key_id: signingKeyId, ...rest } = row;
      return { ...rest, signingKeyId };
    });
  }

  // ---- pins ----

  /** Written with the workflow version, in its transaction. */
  async writePins(scope: TenantScope, pins: readonly NewPluginPin[]): Promise<void> {
    if (pins.length === 0) return;
    await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.insert(
        WorkflowPluginPinEntity,
        pins.map((pin) => ({ ...pin, tenantId: scope.tenantId })),
      ),
    );
  }

  /** The plugin versions one workflow version pinned, by step id. */
  async pinsFor(
    scope: TenantScope,
    workflowId: string,
    workflowVersion: number,
  ): Promise<WorkflowPluginPinEntity[]> {
    return withTenant(this.dataSource, scope, ({ manager }) =>
      manager.find(WorkflowPluginPinEntity, {
        where: { tenantId: scope.tenantId, workflowId, workflowVersion },
        order: { stepId: 'ASC' },
      }),
    );
  }

  /** Every workflow version pinning the plugin, current versions first. */
  async usage(scope: TenantScope, pluginId: string): Promise<PluginUsage[]> {
    return withTenant(this.dataSource, scope, async ({ manager: m }) => {
      const rows: {
        workflow_id: string;
        workflow_name: string;
        workflow_version: number;
        current: boolean;
        step_id: string;
        version: string;
        digest: string;
      }[] = await m.query(
        `SELECT p.workflow_id, w.name AS workflow_name, p.workflow_version,
                (p.workflow_version = w.current_version) AS current, p.step_id, p.version, p.digest
           FROM workflow_plugin_pins p
           JOIN workflows w ON w.id = p.workflow_id AND w.tenant_id = p.tenant_id
          WHERE p.tenant_id = $1 AND p.plugin_id = $2
          ORDER BY current DESC, w.name, p.workflow_version DESC, p.step_id`,
        [scope.tenantId, pluginId],
      );
      return rows.map((r) => ({
        workflowId: r.workflow_id,
        workflowName: r.workflow_name,
        workflowVersion: r.workflow_version,
        current: r.current,
        stepId: r.step_id,
        version: r.version,
        digest: r.digest,
      }));
    });
  }

  // ---- publisher keys ----

  /** The tenant's keys that are not revoked (platform keys come from configuration). */
  async trustedKeys(scope: TenantScope): Promise<PluginPublisherKeyEntity[]> {
    const keys = await this.keys(scope);
    return keys.filter((key) => key.revokedAt === null);
  }

  /** All of the tenant's keys, revoked ones included, oldest first. */
  async keys(scope: TenantScope): Promise<PluginPublisherKeyEntity[]> {
    return withTenant(this.dataSource, scope, ({ manager }) =>
      manager.find(PluginPublisherKeyEntity, {
        where: { tenantId: scope.tenantId },
        order: { createdAt: 'ASC', keyId: 'ASC' },
      }),
    );
  }

  /** PersistenceError `publisher_key_exists` when the tenant has this key already (even revoked). */
  async addKey(scope: TenantScope, input: NewPublisherKey): Promise<PluginPublisherKeyEntity> {
    return withTenant(this.dataSource, scope, async ({ manager: m }) => {
      const key = m.create(PluginPublisherKeyEntity, {
        id: randomUUID(),
        tenantId: scope.tenantId,
        ...input,
        revokedAt: null,
      });
      const inserted = await m
        .createQueryBuilder()
        .insert()
        .into(PluginPublisherKeyEntity)
        .values(key)
        .orIgnore()
        .execute();
      if (insertedRows(inserted.raw) === 0) {
        throw new PersistenceError('publisher_key_exists', `the key ${input.keyId} is already registered`);
      }
      return key;
    });
  }

  /** Marks the key revoked (once); undefined when the tenant has no such key. */
  async revokeKey(scope: TenantScope, keyId: string): Promise<PluginPublisherKeyEntity | undefined> {
    return withTenant(this.dataSource, scope, async ({ manager: m }) => {
      const key = await m.findOne(PluginPublisherKeyEntity, { where: { tenantId: scope.tenantId, keyId } });
      if (!key) return undefined;
      if (key.revokedAt === null) {
        key.revokedAt = new Date();
        await m.update(PluginPublisherKeyEntity, { id: key.id }, { revokedAt: key.revokedAt });
      }
      return key;
    });
  }
}

function displayFields(manifest: PluginManifest): Pick<PluginEntity, 'name' | 'publisher' | 'description'> {
  return { name: manifest.name, publisher: manifest.publisher, description: manifest.description };
}

async function listing(m: EntityManager, scope: TenantScope, plugin: PluginEntity): Promise<PluginListing> {
  const [newest] = await m.find(PluginVersionEntity, {
    where: { tenantId: scope.tenantId, pluginId: plugin.id },
    order: { createdAt: 'DESC', id: 'DESC' },
    take: 1,
  });
  const versionCount = await m.count(PluginVersionEntity, {
    where: { tenantId: scope.tenantId, pluginId: plugin.id },
  });
  // A plugin is created with its first version in one transaction, so there is always one.
  return { plugin, version: newest!, versionCount };
}

/** The source goes in once per content (insert if absent); the version row names it by hash. */
async function insertVersion(
  m: EntityManager,
  scope: TenantScope,
  pluginId: string,
  input: NewPluginVersion,
): Promise<PluginVersionEntity> {
  const sourceSha256 = pluginSourceSha256(input.source);
  await m
    .createQueryBuilder()
    .insert()
    .into(PluginBlobEntity)
    .values({ tenantId: scope.tenantId, sha256: sourceSha256, content: input.source })
    .orIgnore()
    .execute();
  const row = Object.assign(new PluginVersionEntity(), {
    id: randomUUID(),
    tenantId: scope.tenantId,
    pluginId,
    version: input.manifest.version,
    status: 'DRAFT' as const,
    manifest: input.manifest,
    language: input.language,
    sourceSha256,
    digest: input.digest,
    signature: input.signature?.value ?? null,
    signingKeyId: input.signature?.keyId ?? null,
    createdBy: input.createdBy,
  });
  return m.save(row);
}
