import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { pluginDigest, verifyPluginSignature, type PluginManifest } from '@warden/plugins';
import { CommandExit, EXIT, UsageError } from '../cli-errors';
import { createProgram } from '../program';

interface Result {
  code: number;
  out: string[];
  err: string[];
}

/** The program as main.ts runs it, with its output captured. */
async function warden(...args: string[]): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const program = createProgram({ out: (line) => out.push(line), err: (line) => err.push(line) });
  try {
    await program.parseAsync(args, { from: 'user' });
    return { code: EXIT.ok, out, err };
  } catch (error) {
    if (error instanceof CommandExit) return { code: error.exitCode, out, err };
    if (error instanceof UsageError)
      return { code: EXIT.usage, out, err: [...err, `warden: ${error.message}`] };
    if (error instanceof CommanderError) return { code: EXIT.usage, out, err };
    throw error;
  }
}

function aManifest(overrides: Partial<PluginManifest> = {}): PluginManifest {
  return {
    id: 'acme.notify',
    name: 'Notify',
    version: '1.0.0',
    description: 'Sends a notification.',
    publisher: 'acme',
    inputSchema: { type: 'object', properties: { text: { type: 'string', description: 'What to send' } } },
    outputSchema: { type: 'object', properties: { sent: { type: 'integer', description: 'Characters' } } },
    capabilities: { hosts: ['hooks.example.com'], credentials: [] },
    ...overrides,
  };
}

const SOURCE = 'export default {\n  async run(input) {\n    return { sent: input.text.length };\n  },\n};\n';
/** Nothing listens here: a command that got as far as the API would fail with exit 1, not 2. */
const NO_API = ['--api', 'http://127.0.0.1:9', '--token', 'unused'];

describe('warden plugin (offline)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-plugin-spec-'));
  const keys = join(dir, 'keys');
  const manifestPath = join(dir, 'plugin.json');
  const sourcePath = join(dir, 'plugin.js');

  beforeAll(async () => {
    writeFileSync(manifestPath, JSON.stringify(aManifest(), null, 2));
    writeFileSync(sourcePath, SOURCE);
    expect((await warden('plugin', 'keygen', '--out', keys)).code).toBe(EXIT.ok);
  });

  it('keygen writes a private key only its owner reads, and never overwrites one', async () => {
    expect(statSync(join(keys, 'publisher.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(keys, 'publisher.key'), 'utf8')).toContain('BEGIN PRIVATE KEY');
    expect(readFileSync(join(keys, 'publisher.pub'), 'utf8')).toContain('BEGIN PUBLIC KEY');
    const before = readFileSync(join(keys, 'publisher.key'), 'utf8');

    const again = await warden('plugin', 'keygen', '--out', keys);
    expect(again.code).toBe(EXIT.usage);
    expect(again.err.join('\n')).toContain('publisher.key exists; refusing to overwrite');
    expect(readFileSync(join(keys, 'publisher.key'), 'utf8')).toBe(before);
  });

  it('keygen prints the key id and how to trust it', async () => {
    const fresh = await warden('plugin', 'keygen', '--out', join(dir, 'other'));
    expect(fresh.out[0]).toMatch(/^key pk_[0-9a-f]{16}$/);
    expect(fresh.out.join('\n')).toContain('warden plugin trust');
    expect(fresh.out.join('\n')).toContain('POST /v1/plugin-keys');
  });

  it('sign prints a signature of the digest that verifies with publisher.pub', async () => {
    const signed = await warden(
      'plugin',
      'sign',
      manifestPath,
      sourcePath,
      '--key',
      join(keys, 'publisher.key'),
    );
    expect(signed).toMatchObject({ code: EXIT.ok, err: [] });
    const { keyId, signature, digest } = JSON.parse(signed.out.join('\n')) as Record<string, string>;
    expect(digest).toBe(pluginDigest(aManifest(), SOURCE));
    expect(keyId).toMatch(/^pk_[0-9a-f]{16}$/);
    expect(
      verifyPluginSignature(digest!, signature!, readFileSync(join(keys, 'publisher.pub'), 'utf8')),
    ).toBe(true);
  });

  it('sign --out writes the signature file', async () => {
    const out = join(dir, 'sig.json');
    const signed = await warden(
      'plugin',
      'sign',
      manifestPath,
      sourcePath,
      '--key',
      join(keys, 'publisher.key'),
      '--out',
      out,
    );
    expect(signed.code).toBe(EXIT.ok);
    expect(signed.out[0]).toContain(`wrote ${out}`);
    expect(Object.keys(JSON.parse(readFileSync(out, 'utf8')) as object).sort()).toEqual([
      'digest',
      'keyId',
      'signature',
    ]);
  });

  it('sign prints every problem with file, line and field, and signs nothing', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify(
        aManifest({
          version: 'one',
          inputSchema: { type: 'object', properties: { text: { type: 'string', pattern: '^(a+)+$' } } },
        }),
        null,
        2,
      ),
    );
    const badSource = join(dir, 'bad.js');
    writeFileSync(
      badSource,
      'export default {\n  async run(input) {\n    return eval(input.code);\n  },\n};\n',
    );
    const result = await warden('plugin', 'sign', bad, badSource, '--key', join(keys, 'publisher.key'));
    expect(result.code).toBe(EXIT.usage);
    expect(result.out).toEqual([]);
    expect(result.err).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${bad}:4:3 \\S+ .*\\(manifest\\.version\\)$`)),
        expect.stringMatching(
          new RegExp(
            `^${bad}:\\d+:\\d+ schema_unsafe .*\\(manifest\\.inputSchema\\.properties\\.text\\.pattern\\)$`,
          ),
        ),
        `${badSource}:3:12 source_banned_construct "eval": eval runs strings as code (source)`,
      ]),
    );
    expect(result.err.at(-1)).toBe('3 problems; nothing was signed or sent');
  });

  it('sign refuses a public key, a missing key and an unreadable manifest', async () => {
    const pub = await warden(
      'plugin',
      'sign',
      manifestPath,
      sourcePath,
      '--key',
      join(keys, 'publisher.pub'),
    );
    expect(pub.code).toBe(EXIT.usage);
    expect(pub.err.join('\n')).toContain('this is a public key; --key takes the private key');

    const missingOption = await warden('plugin', 'sign', manifestPath, sourcePath);
    expect(missingOption.code).toBe(EXIT.usage);
    expect(missingOption.err.join('\n')).toContain("required option '--key <publisher.key>'");

    const missingFile = await warden(
      'plugin',
      'sign',
      join(dir, 'nope.json'),
      sourcePath,
      '--key',
      join(keys, 'publisher.key'),
    );
    expect(missingFile.err.join('\n')).toContain('nope.json: cannot read the file (ENOENT)');
  });

  it('push checks its options and the files before reaching the API', async () => {
    const both = await warden(
      'plugin',
      'push',
      manifestPath,
      sourcePath,
      '--key',
      join(keys, 'publisher.key'),
      '--signature',
      join(dir, 'sig.json'),
      ...NO_API,
    );
    expect(both).toMatchObject({ code: EXIT.usage, err: ['warden: give --key or --signature, not both'] });

    const unsigned = await warden('plugin', 'push', manifestPath, sourcePath, '--activate', ...NO_API);
    expect(unsigned.code).toBe(EXIT.usage);
    expect(unsigned.err[0]).toContain('--activate needs a signed version');

    const badSource = join(dir, 'shapeless.js');
    writeFileSync(badSource, 'module.exports = 1;\n');
    const invalid = await warden('plugin', 'push', manifestPath, badSource, ...NO_API);
    expect(invalid.code).toBe(EXIT.usage);
    expect(invalid.err.join('\n')).toContain(`${badSource}`);
    expect(invalid.err.join('\n')).not.toContain('cannot reach the Warden API');
  });

  it('push reports an unreachable API with exit 1', async () => {
    const result = await warden('plugin', 'push', manifestPath, sourcePath, ...NO_API);
    expect(result.code).toBe(EXIT.failure);
    expect(result.err.join('\n')).toContain('cannot reach the Warden API at http://127.0.0.1:9');
  });

  it('trust refuses a file that is not a public key before calling the API', async () => {
    const result = await warden('plugin', 'trust', join(keys, 'publisher.key'), '--name', 'acme', ...NO_API);
    expect(result.code).toBe(EXIT.usage);
    expect(result.err[0]).toMatch(/publisher\.key: public key must be an SPKI PEM/);
  });
});
