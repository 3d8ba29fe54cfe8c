import { Inject, Injectable } from '@nestjs/common';
import { compilePluginSource } from '@warden/plugins';
import { PluginRepository, TenantRepository, type TenantScope } from '@warden/persistence';
import type { AuditContext } from '../audit/audit-context';
import { AuditTrail } from '../audit/audit-trail';
import type { ProblemDetail } from '../http/api-error';
import { PluginSchemas } from './plugin-schemas';
import { PLUGIN_TEST_RUNNER, type PluginTestOutcome, type PluginTestRunner } from './plugin-test-runner';
import type { TestRequest } from './plugins.dto';
import { RegistryError } from './plugins.errors';
import { PluginsService } from './plugins.service';

export type PluginTestResult = { ok: boolean; version: string } & PluginTestOutcome;

/**
 * Runs one version of a plugin (DRAFT included: testing comes before publishing) in the sandbox
 * with the caller's input and config, after checking both against the manifest's schemas.
 */
@Injectable()
export class PluginTestingService {
  constructor(
    private readonly registry: PluginsService,
    private readonly plugins: PluginRepository,
    private readonly tenants: TenantRepository,
    private readonly schemas: PluginSchemas,
    private readonly audit: AuditTrail,
    @Inject(PLUGIN_TEST_RUNNER) private readonly runner: PluginTestRunner,
  ) {}

  async test(
    scope: TenantScope,
    pluginKey: string,
    request: TestRequest,
    audit: AuditContext,
  ): Promise<PluginTestResult> {
    const version = await this.registry.version(scope, pluginKey, request.version);
    const { manifest, digest } = version;
    const problems: ProblemDetail[] = this.schemas.check(
      digest,
      'input',
      manifest.inputSchema,
      request.input,
      'input',
    );
    if (manifest.configSchema !== undefined) {
      problems.push(
        ...this.schemas.check(digest, 'config', manifest.configSchema, request.config ?? {}, 'config'),
      );
    } else if (request.config !== undefined) {
      problems.push({ path: 'config', message: 'this plugin takes no config' });
    }
    if (problems.length > 0) {
      throw new RegistryError(
        'invalid_inputs',
        `the test input is refused: ${problems[0]!.path} ${problems[0]!.message}`,
        {
          problems,
        },
      );
    }
    const source = await this.plugins.source(scope, version.sourceSha256);
    if (source === undefined) throw new Error(`plugin source ${version.sourceSha256} is missing`);
    const outcome = await this.runner.run({
      tenantId: scope.tenantId,
      plugin: {
        id: pluginKey,
        version: version.version,
        digest,
        code: compilePluginSource(source, version.language),
        ...(typeof manifest.outputSchema === 'object' ? { outputSchema: manifest.outputSchema } : {}),
      },
      input: request.input,
      config: request.config ?? {},
      limits: manifest.capabilities.limits ?? {},
      // A tenant that forbids running plugins without bubblewrap forbids test runs too.
      requireOsSandbox: (await this.tenants.pluginPolicy(scope))?.requireOsSandbox ?? false,
    });
    const ok = !('error' in outcome);
    await this.audit.recordAfter(scope, audit, {
      action: 'plugin.test',
      target: { type: 'plugin', id: pluginKey },
      outcome: ok ? 'success' : 'failure',
      details: { version: version.version, digest, ...(ok ? {} : { errorKind: outcome.error.kind }) },
    });
    return { ok, version: version.version, ...outcome };
  }
}
