import { Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  effectiveLimits,
  SandboxFailure,
  SandboxManager,
  type CapabilityBroker,
  type SandboxLimits,
} from '@warden/sandbox';
import type { PluginTestJob, PluginTestOutcome, PluginTestRunner } from './plugin-test-runner';
import { RegistryError } from './plugins.errors';

/** Test runs get no network and no credentials, whatever hosts the manifest declares. */
const NO_NETWORK: CapabilityBroker = {
  fetch: () => Promise.reject(new SandboxFailure('capability-denied', 'test runs have no network access')),
};

/**
 * The test endpoint's runner on the real sandbox (SandboxManager: a pool of bubblewrapped
 * processes per tenant). The manager is created on first use, so an API that never tests a plugin
 * starts no sandbox process, and closed with the application.
 */
export class SandboxPluginTestRunner implements PluginTestRunner, OnModuleDestroy {
  private readonly logger = new Logger('PluginTestRunner');
  private manager?: SandboxManager;

  async run(job: PluginTestJob): Promise<PluginTestOutcome> {
    const requested: Partial<SandboxLimits> = {};
    for (const key of ['memoryMb', 'timeoutMs', 'cpuBudgetMs', 'maxOutputBytes'] as const) {
      const value = job.limits[key];
      if (value !== undefined) requested[key] = value;
    }
    try {
      const result = await this.sandbox().execute({
        tenantId: job.tenantId,
        plugin: job.plugin,
        input: job.input,
        config: job.config,
        limits: effectiveLimits(requested),
        capabilities: { allowedHosts: [], credentials: [] },
        requireOsSandbox: job.requireOsSandbox,
      });
      return { output: result.output, logs: result.logs, usage: result.usage };
    } catch (err) {
      if (!(err instanceof SandboxFailure)) throw err;
      if (err.kind === 'sandbox-unavailable') {
        this.logger.error(`sandbox unavailable: ${err.message}`);
        throw new RegistryError(
          'sandbox_unavailable',
          `the sandbox could not run the plugin: ${err.message}`,
        );
      }
      return {
        error: { kind: err.kind, message: err.message },
        logs: err.logs,
        ...(err.usage ? { usage: err.usage } : {}),
      };
    }
  }

  onModuleDestroy(): void {
    this.manager?.close();
  }

  private sandbox(): SandboxManager {
    const logger = this.logger;
    this.manager ??= new SandboxManager({
      broker: NO_NETWORK,
      logger: {
        info: (message) => logger.log(message),
        warn: (message) => logger.warn(message),
        error: (message) => logger.error(message),
      },
    });
    return this.manager;
  }
}
