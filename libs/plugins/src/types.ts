/** A JSON Schema (draft 2020-12) as supplied by a plugin publisher: tenant input until checked. */
export type JsonSchema = boolean | { [keyword: string]: unknown };

export type PluginLanguage = 'javascript' | 'typescript';
export type PluginStatus = 'DRAFT' | 'ACTIVE' | 'DEPRECATED';

export interface PluginLimits {
  memoryMb?: number;
  timeoutMs?: number;
  cpuBudgetMs?: number;
  maxOutputBytes?: number;
}

export type CredentialInjection = { kind: 'bearer' } | { kind: 'basic' } | { kind: 'header'; name: string };

export interface CredentialSlot {
  name: string;
  description?: string;
  /** Hosts the credential may be sent to; a subset of the plugin's `capabilities.hosts`. */
  hosts: string[];
  inject: CredentialInjection;
}

export interface PluginCapabilities {
  hosts: string[];
  credentials: CredentialSlot[];
  limits?: PluginLimits;
}

export interface PluginManifest {
  /** Reverse-DNS-like, e.g. `acme.slack-notify`. */
  id: string;
  name: string;
  /** Strict semver. */
  version: string;
  description: string;
  publisher: string;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
  configSchema?: JsonSchema;
  capabilities: PluginCapabilities;
}
