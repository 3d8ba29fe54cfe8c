/**
 * @warden/plugins: what a plugin is before it runs. Checks a publisher's submission (manifest,
 * tenant JSON Schemas, source) all at once, signs and verifies it, resolves version ranges and
 * renders its docs. Pure: no database, no HTTP, no sandbox. The sandbox, not these static checks,
 * is the security boundary.
 *
 *   const result = validatePluginSubmission({ manifest, source, language: 'typescript' });
 *   if (!result.ok) return reply(422, result.problems);
 */
export type {
  JsonSchema,
  PluginLanguage,
  PluginStatus,
  PluginLimits,
  CredentialInjection,
  CredentialSlot,
  PluginCapabilities,
  PluginManifest,
} from './types';
export { PLUGIN_PROBLEM_CODES, PluginError, type PluginProblem, type PluginProblemCode } from './errors';
export { DEFAULT_PLUGIN_CAPS, type PlatformPluginCaps } from './caps';
export {
  validatePluginSubmission,
  type PluginSubmissionInput,
  type PluginSubmissionResult,
} from './submission';
export { compilePluginSource } from './source';
// Plugin schemas are JSON Schema 2020-12; validate step data with the same ajv settings and formats.
export {
  checkTenantSchema,
  compileTenantSchema,
  newTenantSchemaAjv,
  unsafeRegexReason,
} from './schema-safety';
export { PLUGIN_SCHEMA_FORMATS } from './formats';
export { isPluginHost } from './manifest';
export {
  pluginDigest,
  signPluginDigest,
  verifyPluginSignature,
  publisherKeyId,
  parsePublisherKey,
  generatePublisherKeyPair,
} from './signing';
export {
  parsePluginRef,
  resolveVersion,
  assertNewerVersion,
  isPluginId,
  isStrictSemver,
  PLUGIN_ID_PATTERN,
} from './versions';
export { pluginDocsMarkdown, pluginDocsHtml } from './docs';
export { parsePlatformPublisherKeys, type PlatformPublisherKey } from './platform-keys';
