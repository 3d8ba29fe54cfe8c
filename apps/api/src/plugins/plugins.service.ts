import { Injectable } from '@nestjs/common';
import {
  assertNewerVersion,
  PluginError,
  pluginDigest,
  pluginDocsHtml,
  pluginDocsMarkdown,
  validatePluginSubmission,
  type PluginManifest,
  type PluginProblem,
  type PluginStatus,
} from '@warden/plugins';
import {
  PersistenceError,
  PluginRepository,
  type NewPluginVersion,
  type PluginEntity,
  type PluginUsage,
  type PluginVersionEntity,
  type PluginWithVersion,
  type TenantScope,
  type TenantTransaction,
} from '@warden/persistence';
import type { AuditContext } from '../audit/audit-context';
import { AuditTrail, type AuditedChange } from '../audit/audit-trail';
import { pointerToPath } from '../http/schema-validation';
import { PluginTrustService } from './plugin-trust.service';
import {
  toSummary,
  toVersionView,
  type PluginCode,
  type PluginDetail,
  type PluginSubmission,
  type PluginSummary,
  type PluginVersionView,
  type PluginWritten,
} from './plugins.dto';
import { RegistryError } from './plugins.errors';

/** A submission that passed every check, ready to store. */
interface CheckedSubmission {
  manifest: PluginManifest;
  version: Omit<NewPluginVersion, 'createdBy'>;
  warnings: PluginProblem[];
}

/**
 * The plugin registry: registration (validated, optionally signed), immutable versions, the
 * DRAFT -> ACTIVE <-> DEPRECATED lifecycle, soft deletion while nothing current pins it, and the
 * read side. Every change and its audit event commit in one tenant transaction.
 */
@Injectable()
export class PluginsService {
  constructor(
    private readonly plugins: PluginRepository,
    private readonly trust: PluginTrustService,
    private readonly audit: AuditTrail,
  ) {}

  async register(scope: TenantScope, body: PluginSubmission, audit: AuditContext): Promise<PluginWritten> {
    const checked = await this.check(scope, body);
    try {
      const written = await this.audit.within(
        scope,
        audit,
        (tx) => this.plugins.create(tx, { ...checked.version, createdBy: audit.actor.id }),
        (result) => versionWritten('plugin.create', result),
      );
      return toWritten(written, checked.warnings);
    } catch (err) {
      if (err instanceof PersistenceError && err.code === 'plugin_key_taken') {
        throw new RegistryError(
          'plugin_exists',
          `plugin '${checked.manifest.id}' exists; PUT /v1/plugins/${checked.manifest.id} adds a version`,
          { problems: [{ path: 'manifest.id', message: 'is already registered' }] },
        );
      }
      throw err;
    }
  }

  /** A new version of an existing plugin; its version must be higher than every earlier one. */
  async addVersion(
    scope: TenantScope,
    pluginKey: string,
    body: PluginSubmission,
    audit: AuditContext,
  ): Promise<PluginWritten> {
    const checked = await this.check(scope, body);
    if (checked.manifest.id !== pluginKey) {
      throw new RegistryError(
        'plugin_id_mismatch',
        `the manifest is plugin '${checked.manifest.id}' but this is '${pluginKey}'`,
        { problems: [{ path: 'manifest.id', message: `must be '${pluginKey}'` }] },
      );
    }
    try {
      const written = await this.audit.within(
        scope,
        audit,
        async (tx) => {
          // Locked: two concurrent PUTs are ordered, and the second sees the first's version.
          const plugin = await this.livePlugin(tx, pluginKey, 'update');
          const existing = (await this.plugins.versions(tx, plugin.id)).map((v) => v.version);
          try {
            assertNewerVersion(checked.manifest.version, existing);
          } catch (err) {
            if (err instanceof PluginError && err.code === 'version_not_increasing') {
              throw new RegistryError('version_not_increasing', err.message, {
                problems: [{ path: 'manifest.version', message: err.message }],
              });
            }
            throw err;
          }
          return this.plugins.addVersion(tx, plugin, { ...checked.version, createdBy: audit.actor.id });
        },
        (result) => versionWritten('plugin.update', result),
      );
      return toWritten(written, checked.warnings);
    } catch (err) {
      if (err instanceof PersistenceError && err.code === 'version_conflict') {
        throw new RegistryError('version_not_increasing', 'this version was registered at the same time');
      }
      throw err;
    }
  }

  /**
   * ACTIVE needs a signature that verifies now (the key may have been revoked since); DEPRECATED
   * comes from ACTIVE only, so no unsigned version ever becomes resolvable. Same status: no-op.
   */
  async setStatus(
    scope: TenantScope,
    pluginKey: string,
    version: string,
    status: Exclude<PluginStatus, 'DRAFT'>,
    audit: AuditContext,
  ): Promise<PluginVersionView> {
    const changed = await this.audit.within(
      scope,
      audit,
      async (tx) => {
        const plugin = await this.livePlugin(tx, pluginKey, 'update');
        const found = await this.plugins.findVersion(tx, plugin.id, version);
        if (!found) throw versionNotFound(pluginKey, version);
        const from = found.status;
        if (from === status) return { version: found, from };
        if (status === 'DEPRECATED' && from === 'DRAFT') {
          throw new RegistryError(
            'status_transition_invalid',
            `${pluginKey}@${version} is a DRAFT; only an ACTIVE version can be deprecated`,
            { from, to: status },
          );
        }
        if (status === 'ACTIVE') await this.assertSigned(tx, pluginKey, found);
        await this.plugins.setStatus(tx, found, status);
        return { version: found, from };
      },
      ({ version: v, from }) =>
        from === status
          ? undefined
          : {
              action: 'plugin.status_change',
              target: { type: 'plugin', id: pluginKey },
              details: { version, from, to: status, digest: v.digest },
            },
    );
    return toVersionView(changed.version);
  }

  /** Soft delete; refused while the current version of a workflow pins the plugin. */
  async delete(scope: TenantScope, pluginKey: string, audit: AuditContext): Promise<void> {
    await this.audit.within(
      scope,
      audit,
      async (tx) => {
        // Locked for update: a workflow being saved takes a share lock to pin it, so either the
        // workflow's pin is visible here or the workflow save finds the plugin gone.
        const plugin = await this.livePlugin(tx, pluginKey, 'update');
        const blocking = (await this.plugins.usage(tx, plugin.id)).filter((u) => u.current);
        if (blocking.length > 0) {
          throw new RegistryError(
            'plugin_in_use',
            `the current version of ${blocking.length === 1 ? 'a workflow pins' : 'workflows pin'} this plugin; ` +
              'change them first',
            {
              workflows: blocking.map(({ workflowId, workflowName, workflowVersion, stepId }) => ({
                workflowId,
                workflowName,
                workflowVersion,
                stepId,
              })),
            },
          );
        }
        await this.plugins.softDelete(tx, plugin.id);
        return plugin;
      },
      (plugin) => ({
        action: 'plugin.delete',
        target: { type: 'plugin', id: pluginKey },
        details: { name: plugin.name },
      }),
    );
  }

  async list(
    scope: TenantScope,
    filter: { limit: number; cursor?: string; status?: PluginStatus },
  ): Promise<{ items: PluginSummary[]; nextCursor: string | null }> {
    // One more than asked: whether it exists says whether there is a next page.
    const found = await this.plugins.list(scope, {
      limit: filter.limit + 1,
      ...(filter.cursor === undefined ? {} : { after: filter.cursor }),
      ...(filter.status === undefined ? {} : { status: filter.status }),
    });
    const page = found.slice(0, filter.limit);
    const more = found.length > filter.limit;
    return { items: page.map(toSummary), nextCursor: more ? page[page.length - 1]!.plugin.pluginKey : null };
  }

  async get(scope: TenantScope, pluginKey: string): Promise<PluginDetail> {
    const listing = await this.plugins.listing(scope, await this.livePlugin(scope, pluginKey));
    return { ...toSummary(listing), manifest: listing.version.manifest };
  }

  async versions(scope: TenantScope, pluginKey: string): Promise<PluginVersionView[]> {
    const plugin = await this.livePlugin(scope, pluginKey);
    return (await this.plugins.versions(scope, plugin.id)).map(toVersionView);
  }

  async code(scope: TenantScope, pluginKey: string, version: string): Promise<PluginCode> {
    const found = await this.version(scope, pluginKey, version);
    const source = await this.plugins.source(scope, found.sourceSha256);
    // Written in the version's transaction and never deleted: a missing blob is a bug.
    if (source === undefined) throw new Error(`plugin source ${found.sourceSha256} is missing`);
    return {
      id: pluginKey,
      version,
      language: found.language,
      sourceSha256: found.sourceSha256,
      digest: found.digest,
      source,
    };
  }

  async usage(scope: TenantScope, pluginKey: string): Promise<PluginUsage[]> {
    return this.plugins.usage(scope, (await this.livePlugin(scope, pluginKey)).id);
  }

  /** The newest version's docs, or one version's. */
  async docs(scope: TenantScope, pluginKey: string, format: 'markdown' | 'html'): Promise<string> {
    const { version } = await this.plugins.listing(scope, await this.livePlugin(scope, pluginKey));
    return format === 'html' ? pluginDocsHtml(version.manifest) : pluginDocsMarkdown(version.manifest);
  }

  /** One version of a live plugin (newest when `version` is undefined). */
  async version(scope: TenantScope, pluginKey: string, version?: string): Promise<PluginVersionEntity> {
    const plugin = await this.livePlugin(scope, pluginKey);
    if (version === undefined) return (await this.plugins.listing(scope, plugin)).version;
    const found = await this.plugins.findVersion(scope, plugin.id, version);
    if (!found) throw versionNotFound(pluginKey, version);
    return found;
  }

  private async livePlugin(
    scope: TenantScope,
    pluginKey: string,
    lock?: 'share' | 'update',
  ): Promise<PluginEntity> {
    const plugin = await this.plugins.find(scope, pluginKey, lock);
    if (!plugin) throw new RegistryError('plugin_not_found', `no plugin '${pluginKey}'`);
    return plugin;
  }

  private async assertSigned(
    tx: TenantTransaction,
    pluginKey: string,
    v: PluginVersionEntity,
  ): Promise<void> {
    const verified =
      v.signature !== null &&
      v.signingKeyId !== null &&
      (await this.trust.verifies(tx, v.digest, v.signingKeyId, v.signature));
    if (!verified) {
      throw new RegistryError(
        'plugin_unsigned',
        `${pluginKey}@${v.version} has no signature that a key trusted now verifies; ` +
          'register a signed version to activate it',
        { signingKeyId: v.signingKeyId },
      );
    }
  }

  /** Every problem at once; then the signature, which needs the tenant's keys. */
  private async check(scope: TenantScope, body: PluginSubmission): Promise<CheckedSubmission> {
    const result = validatePluginSubmission(body);
    if (!result.ok) {
      const problems = result.problems.map(toProblem);
      const first = problems[0];
      throw new RegistryError(
        'plugin_invalid',
        `the plugin has ${problems.length} problem${problems.length === 1 ? '' : 's'}; ` +
          `first: ${first ? `${first.path}: ${first.message}` : 'invalid'}`,
        { problems },
      );
    }
    const { manifest, source, language, warnings } = result;
    const digest = pluginDigest(manifest, source);
    if (body.signature !== undefined) {
      const { keyId, signature } = body.signature;
      if (!(await this.trust.verifies(scope, digest, keyId, signature))) {
        throw new RegistryError(
          'signature_invalid',
          `the signature does not verify with trusted key ${keyId} for this manifest and source`,
          {
            digest,
            problems: [{ path: 'signature', message: 'does not verify', code: 'signature_invalid' }],
          },
        );
      }
    }
    const signature = body.signature
      ? { value: body.signature.signature, keyId: body.signature.keyId }
      : null;
    return { manifest, version: { manifest, source, language, digest, signature }, warnings };
  }
}

/** `/manifest/inputSchema` (the library's pointers) -> `manifest.inputSchema`, as the API's paths read. */
function toProblem(p: PluginProblem): { code: string; path: string; message: string } {
  return { code: p.code, path: pointerToPath(p.path), message: p.message };
}

function versionNotFound(pluginKey: string, version: string): RegistryError {
  return new RegistryError('plugin_version_not_found', `plugin '${pluginKey}' has no version ${version}`);
}

function versionWritten(action: string, { plugin, version }: PluginWithVersion): AuditedChange {
  return {
    action,
    target: { type: 'plugin', id: plugin.pluginKey },
    details: {
      version: version.version,
      digest: version.digest,
      sourceSha256: version.sourceSha256,
      signingKeyId: version.signingKeyId,
    },
  };
}

function toWritten({ plugin, version }: PluginWithVersion, warnings: PluginProblem[]): PluginWritten {
  return {
    id: plugin.pluginKey,
    version: version.version,
    status: version.status,
    digest: version.digest,
    signingKeyId: version.signingKeyId,
    warnings: warnings.map(toProblem),
  };
}
