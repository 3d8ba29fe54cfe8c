import { UsageError } from './cli-errors';
import {
  displayPath,
  formatPluginProblem,
  languageOf,
  locateInManifest,
  manifestSegments,
  parseJsonFile,
} from './plugin-files';

const MANIFEST_TEXT = [
  '{',
  '  "id": "acme.notify",',
  '  "inputSchema": {',
  '    "type": "object",',
  '    "properties": { "text": { "type": "string", "pattern": "^(a+)+$" } }',
  '  },',
  '  "capabilities": {',
  '    "hosts": ["ok.example.com", "bad host"],',
  '    "credentials": []',
  '  }',
  '}',
].join('\n');

const files = {
  manifest: { path: 'plugin.json', text: MANIFEST_TEXT, value: JSON.parse(MANIFEST_TEXT) as unknown },
  sourcePath: 'plugin.js',
  language: 'javascript' as const,
};

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as UsageError).message;
  }
  throw new Error('expected a UsageError');
}

describe('languageOf', () => {
  it.each([
    ['plugin.ts', 'typescript'],
    ['src/Plugin.MTS', 'typescript'],
    ['plugin.js', 'javascript'],
    ['plugin.mjs', 'javascript'],
    ['plugin', 'javascript'],
  ])('%s is %s', (path, language) => {
    expect(languageOf(path)).toBe(language);
  });
});

describe('parseJsonFile', () => {
  it('names the line and column of a syntax error', () => {
    const message = usageMessage(() => parseJsonFile('m.json', '{\n  "id": "x",\n}\n'));
    expect(message).toMatch(/^m\.json:3:1: not valid JSON: /);
    expect(message).not.toMatch(/position|\(line/);
  });
});

describe('manifest paths', () => {
  it('reads the library pointers and the API dotted paths alike', () => {
    expect(manifestSegments('/manifest/capabilities/hosts/1')).toEqual(['capabilities', 'hosts', '1']);
    expect(manifestSegments('manifest.capabilities.hosts[1]')).toEqual(['capabilities', 'hosts', '1']);
    expect(manifestSegments('/manifest/inputSchema/properties/a~1b')).toEqual([
      'inputSchema',
      'properties',
      'a/b',
    ]);
    expect(manifestSegments('/source')).toBeUndefined();
    expect(displayPath('/manifest/capabilities/hosts/1')).toBe('manifest.capabilities.hosts[1]');
    expect(displayPath('/source')).toBe('source');
  });

  it('finds the key of a field, an array item, and the object that lacks a field', () => {
    expect(locateInManifest(MANIFEST_TEXT, ['inputSchema', 'properties', 'text', 'pattern'])).toEqual({
      line: 5,
      col: 49,
    });
    expect(locateInManifest(MANIFEST_TEXT, ['capabilities', 'hosts', '1'])).toEqual({ line: 8, col: 33 });
    // `description` is missing: the root object is where it belongs.
    expect(locateInManifest(MANIFEST_TEXT, ['description'])).toEqual({ line: 1, col: 1 });
    expect(locateInManifest(MANIFEST_TEXT, ['capabilities', 'limits'])).toEqual({ line: 7, col: 3 });
  });
});

describe('formatPluginProblem', () => {
  it('puts manifest problems at their line with the field', () => {
    expect(
      formatPluginProblem(
        files,
        { code: 'schema_unsafe', path: '/manifest/inputSchema/properties/text/pattern', message: 'nested' },
        'plugin_invalid',
      ),
    ).toBe('plugin.json:5:49 schema_unsafe nested (manifest.inputSchema.properties.text.pattern)');
  });

  it('takes API problems without a code under the error code', () => {
    expect(
      formatPluginProblem(files, { path: 'manifest.id', message: 'is already registered' }, 'plugin_exists'),
    ).toBe('plugin.json:2:3 plugin_exists is already registered (manifest.id)');
  });

  it('puts source problems at the line in their message', () => {
    const ours = { code: 'source_banned_construct', path: '/source', message: '3:12: "eval": no' };
    expect(formatPluginProblem(files, ours, 'x')).toBe(
      'plugin.js:3:12 source_banned_construct "eval": no (source)',
    );
    const acorn = { code: 'source_syntax', path: '/source', message: 'Unexpected token (2:4)' };
    expect(formatPluginProblem(files, acorn, 'x')).toBe(
      'plugin.js:2:5 source_syntax Unexpected token (source)',
    );
  });

  it('does not pass TypeScript check positions off as lines of the file', () => {
    const ts = { ...files, sourcePath: 'plugin.ts', language: 'typescript' as const };
    const problem = { code: 'source_banned_construct', path: '/source', message: '3:12: "eval": no' };
    expect(formatPluginProblem(ts, problem, 'x')).toBe(
      'plugin.ts source_banned_construct 3:12: "eval": no (source)',
    );
  });

  it('marks warnings and names the signature file for signature problems', () => {
    expect(
      formatPluginProblem(
        files,
        { code: 'docs_incomplete', path: '/manifest/id', message: 'm' },
        'x',
        'warning',
      ),
    ).toBe('plugin.json:2:3 warning docs_incomplete m (manifest.id)');
    expect(
      formatPluginProblem(
        { ...files, signaturePath: 'sig.json' },
        { path: 'signature', message: 'does not verify', code: 'signature_invalid' },
        'x',
      ),
    ).toBe('sig.json signature_invalid does not verify (signature)');
  });
});
