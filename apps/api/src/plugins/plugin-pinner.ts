import { Injectable } from '@nestjs/common';
import type { PluginStep, WorkflowDefinition } from '@warden/definition';
import { PluginError, parsePluginRef, resolveVersion, type JsonSchema } from '@warden/plugins';
import { DataSource } from 'typeorm';
import {
  PluginRepository,
  withTenant,
  type NewPluginPin,
  type TenantScope,
  type TenantTransaction,
  type WorkflowPluginPinEntity,
} from '@warden/persistence';
import { PluginSchemas } from './plugin-schemas';

/** A problem with a plugin step, in the shape of the definition's problems. */
export interface PinProblem {
  code:
    | 'plugin_not_found'
    | 'plugin_version_not_found'
    | 'plugin_ref_invalid'
    | 'plugin_config_invalid'
    | 'plugin_credential_unknown'
    | 'plugin_deprecated';
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

export interface PinResolution {
  /** Without the workflow id and version, which exist only once the version is written. */
  pins: Omit<NewPluginPin, 'workflowId' | 'workflowVersion'>[];
  errors: PinProblem[];
  warnings: PinProblem[];
  /** Step id -> the config properties its pinned version's schema marks `writeOnly` (stored encrypted). */
  secretConfig: Map<string, string[]>;
}

/** A workflow version's pin as the API shows it. */
export interface PinView {
  stepId: string;
  plugin: string;
  version: string;
  digest: string;
}

/**
 * Resolves each plugin step of a definition to one version when the workflow version is saved:
 * the highest ACTIVE or DEPRECATED version in the step's range (never a DRAFT), with the step's
 * config checked against that version's config schema and its credential bindings against the
 * manifest's slots. Runs inside the workflow version's transaction, holding a share lock on each
 * plugin so that it cannot be deleted before the pins commit.
 */
@Injectable()
export class PluginPinner {
  constructor(
    private readonly plugins: PluginRepository,
    private readonly schemas: PluginSchemas,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * What saving would say about the plugin steps, without writing anything: for
   * `POST /v1/workflows/validate`. Errors first, then warnings.
   */
  async check(scope: TenantScope, definition: WorkflowDefinition): Promise<PinProblem[]> {
    if (!definition.steps.some((step) => step.type === 'plugin')) return [];
    const { errors, warnings } = await withTenant(this.dataSource, scope, (tx) =>
      this.resolve(tx, definition),
    );
    return [...errors, ...warnings];
  }

  async resolve(tx: TenantTransaction, definition: WorkflowDefinition): Promise<PinResolution> {
    const resolution: PinResolution = { pins: [], errors: [], warnings: [], secretConfig: new Map() };
    for (const [index, step] of definition.steps.entries()) {
      if (step.type !== 'plugin') continue;
      await this.resolveStep(tx, step as PluginStep, `steps[${index}]`, resolution);
    }
    return resolution;
  }

  async write(
    tx: TenantTransaction,
    workflowId: string,
    workflowVersion: number,
    pins: PinResolution['pins'],
  ): Promise<void> {
    await this.plugins.writePins(
      tx,
      pins.map((pin) => ({ ...pin, workflowId, workflowVersion })),
    );
  }

  async pinsOf(scope: TenantScope, workflowId: string, workflowVersion: number): Promise<PinView[]> {
    return (await this.plugins.pinsFor(scope, workflowId, workflowVersion)).map(toPinView);
  }

  private async resolveStep(
    tx: TenantTransaction,
    step: PluginStep,
    at: string,
    out: PinResolution,
  ): Promise<void> {
    const error = (code: PinProblem['code'], path: string, message: string): void => {
      out.errors.push({ code, path, message, severity: 'error' });
    };
    let ref: { id: string; range: string };
    try {
      ref = parsePluginRef(step.plugin);
    } catch (err) {
      if (!(err instanceof PluginError)) throw err;
      return error('plugin_ref_invalid', `${at}.plugin`, err.message);
    }
    const plugin = await this.plugins.find(tx, ref.id, 'share');
    if (!plugin) return error('plugin_not_found', `${at}.plugin`, `no plugin '${ref.id}' in this tenant`);
    const versions = await this.plugins.versions(tx, plugin.id);
    const chosen = resolveVersion(ref.range, versions);
    if (!chosen) {
      return error(
        'plugin_version_not_found',
        `${at}.plugin`,
        `no ACTIVE or DEPRECATED version of '${ref.id}' satisfies '${ref.range}'`,
      );
    }
    if (chosen.status === 'DEPRECATED') {
      out.warnings.push({
        code: 'plugin_deprecated',
        path: `${at}.plugin`,
        message: `${ref.id}@${chosen.version} is deprecated`,
        severity: 'warning',
      });
    }
    const { manifest, digest } = chosen;
    if (manifest.configSchema !== undefined) {
      for (const p of this.schemas.check(
        digest,
        'config',
        manifest.configSchema,
        step.config ?? {},
        `${at}.config`,
      )) {
        error('plugin_config_invalid', p.path, p.message);
      }
    } else if (step.config !== undefined && Object.keys(step.config).length > 0) {
      error('plugin_config_invalid', `${at}.config`, `${ref.id}@${chosen.version} takes no config`);
    }
    const secret = writeOnlyProperties(manifest.configSchema);
    if (secret.length > 0) out.secretConfig.set(step.id, secret);
    const slots = new Set(manifest.capabilities.credentials.map((slot) => slot.name));
    for (const slot of Object.keys(step.credentials ?? {})) {
      if (!slots.has(slot)) {
        error(
          'plugin_credential_unknown',
          `${at}.credentials.${slot}`,
          `${ref.id} has no credential slot '${slot}'`,
        );
      }
    }
    out.pins.push({
      stepId: step.id,
      pluginId: plugin.id,
      pluginKey: ref.id,
      version: chosen.version,
      digest,
    });
  }
}

/** Top-level properties annotated `writeOnly: true` (JSON Schema's mark for a value never read back). */
function writeOnlyProperties(schema: JsonSchema | undefined): string[] {
  if (typeof schema !== 'object' || typeof schema.properties !== 'object' || schema.properties === null)
    return [];
  return Object.entries(schema.properties)
    .filter(
      ([, property]) =>
        typeof property === 'object' && property !== null && Reflect.get(property, 'writeOnly') === true,
    )
    .map(([name]) => name);
}

function toPinView(pin: WorkflowPluginPinEntity): PinView {
  return { stepId: pin.stepId, plugin: pin.pluginKey, version: pin.version, digest: pin.digest };
}
