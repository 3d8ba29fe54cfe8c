import { DEFAULT_PLUGIN_CAPS } from './caps';
import { PLUGIN_PROBLEM_CODES, type PluginProblem } from './errors';
import { validatePluginSubmission } from './submission';
import { aManifest, A_PLUGIN_SOURCE } from './testing/builders';
import type { PluginManifest } from './types';

function problemsOf(
  manifest: unknown,
  source: unknown = A_PLUGIN_SOURCE,
  language?: unknown,
): PluginProblem[] {
  const result = validatePluginSubmission({ manifest, source, language });
  return result.ok ? [] : result.problems;
}

const withCapabilities = (capabilities: Partial<PluginManifest['capabilities']>) =>
  aManifest({ capabilities: { ...aManifest().capabilities, ...capabilities } });

describe('validatePluginSubmission', () => {
  it('accepts a valid submission and returns the compiled module and docs warnings', () => {
    const manifest = aManifest({
      outputSchema: { type: 'object', properties: { ts: { type: 'string' } } },
    });
    const result = validatePluginSubmission({ manifest, source: A_PLUGIN_SOURCE });
    expect(result).toEqual({
      ok: true,
      manifest,
      source: A_PLUGIN_SOURCE,
      language: 'javascript',
      compiled: expect.stringContaining('module.exports'),
      warnings: [
        {
          code: 'docs_incomplete',
          path: '/manifest/outputSchema/properties/ts',
          message: '"ts" has no description',
        },
      ],
    });
  });

  it('accepts TypeScript', () => {
    const source =
      'export async function run(input: { text: string }): Promise<{ ts: string }> { return { ts: input.text } }';
    const result = validatePluginSubmission({ manifest: aManifest(), source, language: 'typescript' });
    expect(result.ok && result.language).toBe('typescript');
  });

  it('collects manifest, schema and source problems in one answer', () => {
    const manifest = {
      ...aManifest({ version: 'v1' }),
      inputSchema: { type: 'object', properties: { a: { type: 'string', pattern: '^(a|a)*$' } } },
      outputSchema: { $ref: 'https://evil.example/s.json' },
    };
    const problems = problemsOf(
      manifest,
      'import fs from "fs";\nexport default { run() { return eval("1") } }',
    );
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['version_invalid', '/manifest/version'],
      ['schema_unsafe', '/manifest/inputSchema/properties/a/pattern'],
      ['schema_unsafe', '/manifest/outputSchema/$ref'],
      ['source_banned_construct', '/source'],
      ['source_banned_construct', '/source'],
    ]);
  });

  it('reports manifest shape problems with their paths', () => {
    const { publisher: _publisher, ...withoutPublisher } = aManifest();
    expect(problemsOf({ ...withoutPublisher, id: 'Acme', extra: 1 })).toEqual([
      expect.objectContaining({
        code: 'manifest_invalid',
        path: '/manifest/publisher',
        message: 'is required',
      }),
      expect.objectContaining({
        code: 'manifest_invalid',
        path: '/manifest/extra',
        message: 'is not a known field',
      }),
      expect.objectContaining({ code: 'manifest_invalid', path: '/manifest/id' }),
    ]);
    expect(problemsOf('not an object')).toEqual([
      expect.objectContaining({ code: 'manifest_invalid', path: '/manifest' }),
    ]);
  });

  it.each([
    '*.slack.com',
    '10.0.0.1',
    'Slack.com',
    'localhost',
    'slack.com:0',
    'slack.com:99999',
    '[::1]',
    'slack.com.',
  ])('refuses the host %s', (host) => {
    expect(problemsOf(withCapabilities({ hosts: [host], credentials: [] }))).toEqual([
      expect.objectContaining({ code: 'manifest_invalid', path: '/manifest/capabilities/hosts/0' }),
    ]);
  });

  it('keeps credentials to declared hosts and off reserved headers', () => {
    const problems = problemsOf(
      withCapabilities({
        credentials: [
          { name: 'a', hosts: ['slack.com', 'evil.example'], inject: { kind: 'bearer' } },
          { name: 'a', hosts: ['slack.com'], inject: { kind: 'header', name: 'Host' } },
        ],
      }),
    );
    expect(problems.map((p) => p.path)).toEqual([
      '/manifest/capabilities/credentials/0/hosts/1',
      '/manifest/capabilities/credentials/1/name',
      '/manifest/capabilities/credentials/1/inject/name',
    ]);
  });

  it('refuses limits above the platform caps', () => {
    const problems = problemsOf(
      withCapabilities({ limits: { memoryMb: DEFAULT_PLUGIN_CAPS.limits.memoryMb + 1, timeoutMs: 1 } }),
    );
    expect(problems).toEqual([
      expect.objectContaining({ code: 'limits_exceed_caps', path: '/manifest/capabilities/limits/memoryMb' }),
    ]);
  });

  it('refuses an unknown language and a missing source', () => {
    expect(problemsOf(aManifest(), A_PLUGIN_SOURCE, 'python').map((p) => p.code)).toEqual([
      'language_invalid',
    ]);
    expect(problemsOf(aManifest(), null).map((p) => p.code)).toEqual(['source_shape']);
  });

  it('applies the caps it is given', () => {
    const result = validatePluginSubmission(
      { manifest: aManifest(), source: A_PLUGIN_SOURCE },
      { ...DEFAULT_PLUGIN_CAPS, maxSourceBytes: 10 },
    );
    expect(result.ok ? [] : result.problems.map((p) => p.code)).toEqual(['source_too_large']);
  });

  it('lists every code it can produce', () => {
    expect(new Set(PLUGIN_PROBLEM_CODES).size).toBe(PLUGIN_PROBLEM_CODES.length);
    expect(PLUGIN_PROBLEM_CODES).toEqual(
      expect.arrayContaining(['manifest_invalid', 'schema_unsafe', 'source_banned_construct', 'key_invalid']),
    );
  });
});
