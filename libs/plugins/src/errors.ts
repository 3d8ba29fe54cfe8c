/**
 * Stable problem codes. They travel in HTTP 4xx bodies and CLI output, so a code is never renamed;
 * new ones are appended.
 */
export const PLUGIN_PROBLEM_CODES = [
  'manifest_invalid',
  'schema_unsafe',
  'schema_invalid',
  'source_too_large',
  'source_syntax',
  'source_too_complex',
  'source_shape',
  'source_banned_construct',
  'limits_exceed_caps',
  'version_invalid',
  'version_not_increasing',
  'plugin_ref_invalid',
  'signature_invalid',
  'key_invalid',
  'language_invalid',
  'docs_incomplete',
] as const;

export type PluginProblemCode = (typeof PLUGIN_PROBLEM_CODES)[number];

export interface PluginProblem {
  code: PluginProblemCode;
  /** JSON-pointer-like location, e.g. `/manifest/inputSchema/properties/a/pattern` or `/source`. */
  path: string;
  message: string;
}

export class PluginError extends Error {
  override readonly name = 'PluginError';

  constructor(
    readonly code: PluginProblemCode,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}
