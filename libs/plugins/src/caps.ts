import type { PluginLimits } from './types';

/** Platform ceilings applied to every submission; operators may tighten them. */
export interface PlatformPluginCaps {
  maxSourceBytes: number;
  maxAstNodes: number;
  maxNesting: number;
  /** Serialized UTF-8 bytes of each schema in a manifest. */
  maxSchemaBytes: number;
  maxSchemaDepth: number;
  /** Highest limits a manifest may ask for. */
  limits: Required<PluginLimits>;
}

export const DEFAULT_PLUGIN_CAPS: Readonly<PlatformPluginCaps> = Object.freeze({
  maxSourceBytes: 256 * 1024,
  maxAstNodes: 50_000,
  maxNesting: 200,
  maxSchemaBytes: 64 * 1024,
  maxSchemaDepth: 32,
  limits: Object.freeze({
    memoryMb: 128,
    timeoutMs: 60_000,
    cpuBudgetMs: 30_000,
    maxOutputBytes: 1024 * 1024,
  }),
});
