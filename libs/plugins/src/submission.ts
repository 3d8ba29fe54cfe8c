import { DEFAULT_PLUGIN_CAPS, type PlatformPluginCaps } from './caps';
import type { PluginProblem } from './errors';
import { checkManifest } from './manifest';
import { checkTenantSchema } from './schema-safety';
import { checkPluginSource } from './source';
import type { PluginLanguage, PluginManifest } from './types';

export interface PluginSubmissionInput {
  manifest: unknown;
  source: unknown;
  language?: unknown;
}

export type PluginSubmissionResult =
  | {
      ok: true;
      manifest: PluginManifest;
      source: string;
      language: PluginLanguage;
      /** CommonJS text for the sandbox. */
      compiled: string;
      /** Not blocking: the plugin is accepted, its docs would be better with these fixed. */
      warnings: PluginProblem[];
    }
  | { ok: false; problems: PluginProblem[] };

const SCHEMA_FIELDS = ['inputSchema', 'outputSchema', 'configSchema'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Properties of an object schema's top level that have no description: the docs table is empty there. */
function undocumented(manifest: PluginManifest): PluginProblem[] {
  const warnings: PluginProblem[] = [];
  for (const field of SCHEMA_FIELDS) {
    const schema = manifest[field];
    if (!isRecord(schema) || !isRecord(schema.properties)) continue;
    for (const [name, property] of Object.entries(schema.properties)) {
      if (
        !isRecord(property) ||
        typeof property.description !== 'string' ||
        property.description.trim() === ''
      ) {
        warnings.push({
          code: 'docs_incomplete',
          path: `/manifest/${field}/properties/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`,
          message: `"${name}" has no description`,
        });
      }
    }
  }
  return warnings;
}

/**
 * The one check of a plugin registration. Manifest, each schema and the source are checked
 * independently, so a publisher sees every problem in one round trip rather than one per fix.
 */
export function validatePluginSubmission(
  input: PluginSubmissionInput,
  caps: PlatformPluginCaps = DEFAULT_PLUGIN_CAPS,
): PluginSubmissionResult {
  const problems: PluginProblem[] = [];
  const language = input.language ?? 'javascript';
  if (language !== 'javascript' && language !== 'typescript') {
    problems.push({
      code: 'language_invalid',
      path: '/language',
      message: 'language must be "javascript" or "typescript"',
    });
  }
  problems.push(...checkManifest(input.manifest, caps));
  if (isRecord(input.manifest)) {
    for (const field of SCHEMA_FIELDS) {
      const schema = input.manifest[field];
      if (schema === undefined) continue;
      problems.push(...checkTenantSchema(schema, `/manifest/${field}`, caps));
    }
  }
  let compiled: string | undefined;
  if (typeof input.source !== 'string') {
    problems.push({ code: 'source_shape', path: '/source', message: 'source must be a string' });
  } else if (language === 'javascript' || language === 'typescript') {
    const checked = checkPluginSource(input.source, language, caps);
    problems.push(...checked.problems);
    compiled = checked.compiled;
  }
  // Shape problems of a schema field are reported by both checks; keep one of each.
  const unique = problems.filter(
    (p, i) =>
      problems.findIndex((q) => q.path === p.path && q.code === p.code && q.message === p.message) === i,
  );
  if (unique.length > 0 || compiled === undefined || typeof input.source !== 'string') {
    return { ok: false, problems: unique };
  }
  const manifest = input.manifest as PluginManifest;
  return {
    ok: true,
    manifest,
    source: input.source,
    language: language as PluginLanguage,
    compiled,
    warnings: undocumented(manifest),
  };
}
