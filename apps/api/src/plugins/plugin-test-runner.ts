import type { PluginLimits } from '@warden/plugins';

/** Injection token of the PluginTestRunner. */
export const PLUGIN_TEST_RUNNER = Symbol('PluginTestRunner');

/** One test invocation of a registered plugin version (DRAFT included). */
export interface PluginTestJob {
  tenantId: string;
  plugin: {
    id: string;
    version: string;
    digest: string;
    /** Compiled CommonJS text. */
    code: string;
    outputSchema?: Record<string, unknown>;
  };
  input: unknown;
  config: unknown;
  /** What the manifest asks for; the runner clamps to the platform's caps. */
  limits: PluginLimits;
  /** The tenant's policy: never run without the OS sandbox. */
  requireOsSandbox: boolean;
}

export interface PluginTestLog {
  level: string;
  message: string;
}

export interface PluginTestUsage {
  cpuMs: number;
  wallMs: number;
  heapBytes: number;
}

export type PluginTestOutcome =
  | { output: unknown; logs: PluginTestLog[]; usage: PluginTestUsage }
  | {
      error: { kind: string; message: string };
      logs: PluginTestLog[];
      usage?: Partial<PluginTestUsage>;
    };

/**
 * Runs plugin code for the registry's test endpoint: a port, so the service does not know how
 * the sandbox is built. A failure of the plugin (timeout, memory, its own error, invalid output)
 * is an outcome; only a sandbox that cannot run at all throws (RegistryError sandbox_unavailable).
 */
export interface PluginTestRunner {
  run(job: PluginTestJob): Promise<PluginTestOutcome>;
}
