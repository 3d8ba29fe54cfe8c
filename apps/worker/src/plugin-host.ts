/**
 * The worker's side of plugin steps: reads the pinned version from the registry, checks that the
 * stored manifest and source still hash to the pinned digest and that a trusted key signed it,
 * compiles that exact source, runs it in the tenant's sandbox pool and audits the execution. The
 * tenant's plugin policy, read with the version, narrows the hosts and may require bubblewrap.
 */
import { AuditLog } from '@warden/audit';
import {
  PluginLoadError,
  type LoadedPlugin,
  type PluginExecutionRecord,
  type PluginHost,
  type PluginPin,
} from '@warden/engine';
import {
  DEFAULT_TENANT_PLUGIN_POLICY,
  PluginRepository,
  TenantRepository,
  withTenant,
} from '@warden/persistence';
import {
  compilePluginSource,
  compileTenantSchema,
  pluginDigest,
  verifyPluginSignature,
  type JsonSchema,
  type PluginManifest,
} from '@warden/plugins';
import { effectiveLimits, type SandboxJob, type SandboxManager, type SandboxResult } from '@warden/sandbox';
import type { DataSource } from 'typeorm';
import { grantedNetwork } from './plugin-policy';

export interface PublisherKey {
  keyId: string;
  publicKeyPem: string;
}

export interface PluginHostDeps {
  dataSource: DataSource;
  sandbox: SandboxManager;
  /** Keys every tenant trusts (WARDEN_PLATFORM_PUBLISHER_KEYS). */
  platformKeys: readonly PublisherKey[];
  /**
   * How long a verified version is reused before it is read and verified again; also how long a
   * change of the tenant's plugin policy may take to reach this worker.
   */
  cacheTtlMs?: number;
}

interface CacheEntry {
  plugin: LoadedPlugin;
  expires: number;
}

function schemaChecker(schema: JsonSchema | undefined): (input: unknown) => string[] {
  if (schema === undefined) return () => [];
  const validate = compileTenantSchema(schema);
  return (input) =>
    validate(input)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

export function createPluginHost(deps: PluginHostDeps): PluginHost {
  const repository = new PluginRepository(deps.dataSource);
  const tenants = new TenantRepository(deps.dataSource);
  const cache = new Map<string, CacheEntry>();
  const ttl = deps.cacheTtlMs ?? 30_000;

  async function verify(tenantId: string, pin: PluginPin): Promise<LoadedPlugin> {
    const scope = { tenantId };
    const { stored, tenantKeys, policy } = await withTenant(deps.dataSource, scope, async (tx) => ({
      stored: await repository.loadVersionByDigest(tx, pin.id, pin.version, pin.digest),
      tenantKeys: await repository.trustedKeys(tx),
      policy: await tenants.pluginPolicy(tx),
    }));
    const name = `${pin.id}@${pin.version}`;
    if (policy === undefined) throw new PluginLoadError(`tenant ${tenantId} does not exist`);
    if (stored === undefined) throw new PluginLoadError(`plugin ${name} is not in this tenant's registry`);
    const manifest = stored.manifest as PluginManifest;
    const digest = pluginDigest(manifest, stored.source);
    if (digest !== pin.digest || stored.digest !== pin.digest) {
      throw new PluginLoadError(
        `plugin ${name}: the stored manifest and source no longer match the pinned digest`,
      );
    }
    if (stored.signature === null || stored.signingKeyId === null) {
      throw new PluginLoadError(
        `plugin ${name} is not signed; unsigned plugins run only through the test endpoint`,
      );
    }
    const key = [...tenantKeys, ...deps.platformKeys].find((k) => k.keyId === stored.signingKeyId);
    if (key === undefined) {
      throw new PluginLoadError(
        `plugin ${name} was signed by key ${stored.signingKeyId}, which is not trusted (revoked?)`,
      );
    }
    if (!verifyPluginSignature(digest, stored.signature, key.publicKeyPem)) {
      throw new PluginLoadError(`plugin ${name}: the signature does not verify against key ${key.keyId}`);
    }
    const network = grantedNetwork(
      {
        hosts: manifest.capabilities.hosts,
        credentialSlots: manifest.capabilities.credentials.map((slot) => ({
          name: slot.name,
          hosts: [...slot.hosts],
          inject: slot.inject,
        })),
      },
      policy,
    );
    let code: string;
    let checkInput: LoadedPlugin['checkInput'];
    try {
      code = compilePluginSource(stored.source, stored.language);
      checkInput = schemaChecker(manifest.inputSchema);
    } catch (err) {
      // Registration compiled both; failing now (a newer compiler) fails the same way on retry.
      throw new PluginLoadError(
        `plugin ${name} no longer compiles: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    return {
      pin,
      code,
      signingKeyId: key.keyId,
      outputSchema: manifest.outputSchema as Record<string, unknown>,
      checkInput,
      limits: effectiveLimits(manifest.capabilities.limits ?? {}),
      allowedHosts: network.allowedHosts,
      credentialSlots: network.credentialSlots,
      requireOsSandbox: policy.requireOsSandbox,
      // Rows written before the quota existed carry no value: the default applies.
      fetchesPerMinute: policy.fetchesPerMinute ?? DEFAULT_TENANT_PLUGIN_POLICY.fetchesPerMinute,
    };
  }

  return {
    // The entry holds the policy it was built with; it expires with the TTL, so a policy change
    // applies to this tenant's next load after that at the latest.
    async load(tenantId, pin) {
      const key = `${tenantId}:${pin.id}@${pin.version}:${pin.digest}`;
      const hit = cache.get(key);
      if (hit && hit.expires > Date.now()) return hit.plugin;
      const plugin = await verify(tenantId, pin);
      cache.set(key, { plugin, expires: Date.now() + ttl });
      return plugin;
    },
    execute(job: SandboxJob): Promise<SandboxResult> {
      return deps.sandbox.execute(job);
    },
    async record(execution: PluginExecutionRecord) {
      await withTenant(deps.dataSource, { tenantId: execution.tenantId }, (tx) =>
        AuditLog.append(tx.manager, {
          tenantId: execution.tenantId,
          actor: { type: 'system', id: 'worker' },
          action: 'plugin.execute',
          target: { type: 'plugin', id: `${execution.plugin.id}@${execution.plugin.version}` },
          outcome: execution.outcome === 'ok' ? 'success' : 'failure',
          details: {
            runId: execution.runId,
            stepId: execution.stepId,
            attempt: execution.attempt,
            digest: execution.plugin.digest,
            signingKeyId: execution.signingKeyId,
            inputDigest: execution.inputDigest,
            outputDigest: execution.outputDigest,
            capabilitiesUsed: execution.capabilitiesUsed,
            usage: execution.usage,
            outcome: execution.outcome,
            unconfined: execution.unconfined,
          },
        }),
      );
    },
  };
}
