/**
 * `warden plugin` as a publisher runs it: the real CLI process against the in-process API. Make a
 * key, trust it, push and activate a signed plugin, add a version (the PUT path), and see a
 * signature go stale when the source changes after signing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pluginDigest, type PluginManifest } from '@warden/plugins';
import { startApiHarness, type ApiHarness } from './api-harness';
import { runWarden, type CliResult } from './cli-process';

interface VersionView {
  version: string;
  status: string;
  digest: string;
  signingKeyId: string | null;
}

/** `warden ...` as the signed-in owner. */
function warden(args: string[], timeoutMs = 30_000): Promise<CliResult> {
  return runWarden(args, { WARDEN_TOKEN: api.owner.token }, timeoutMs);
}

const PLUGIN_ID = 'acme.cli-notify';

function aManifest(version: string): PluginManifest {
  return {
    id: PLUGIN_ID,
    name: 'Notify',
    version,
    description: 'Sends a notification.',
    publisher: 'acme',
    inputSchema: {
      type: 'object',
      required: ['text'],
      properties: { text: { type: 'string', description: 'What to send' } },
    },
    outputSchema: { type: 'object', properties: { sent: { type: 'integer', description: 'Characters' } } },
    capabilities: { hosts: ['hooks.example.com'], credentials: [] },
  };
}

const SOURCE = `export default {
  async run(input: { text: string }) {
    return { sent: input.text.length };
  },
};
`;

let api: ApiHarness;

describe('warden plugin, end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-cli-plugins-'));
  const keyPath = join(dir, 'keys', 'publisher.key');
  const sourcePath = join(dir, 'notify.ts');
  /** Writes the manifest of `version` and returns its path. */
  const manifestFile = (version: string): string => {
    const path = join(dir, `plugin-${version}.json`);
    writeFileSync(path, `${JSON.stringify(aManifest(version), null, 2)}\n`);
    return path;
  };
  const versions = async (): Promise<VersionView[]> => {
    const { status, body } = await api.call<{ items: VersionView[] }>(
      'GET',
      `/v1/plugins/${PLUGIN_ID}/versions`,
    );
    expect(status).toBe(200);
    return body.items;
  };
  let keyId: string;

  beforeAll(async () => {
    api = await startApiHarness();
    writeFileSync(sourcePath, SOURCE);
  });
  afterAll(async () => {
    await api.close();
  });

  it('keygen makes a key and trust registers it with the tenant', async () => {
    const made = await warden(['plugin', 'keygen', '--out', join(dir, 'keys')]);
    expect(made).toMatchObject({ code: 0, stderr: '' });
    keyId = /^key (pk_[0-9a-f]{16})$/m.exec(made.stdout)![1]!;

    const trust = () =>
      warden(['plugin', 'trust', join(dir, 'keys', 'publisher.pub'), '--name', 'acme', '--api', api.url]);
    const trusted = await trust();
    expect(trusted).toMatchObject({ code: 0, stderr: '' });
    expect(trusted.stdout).toContain(`trusted ${keyId} as 'acme'`);

    // Again: done already, not an error (setup scripts run it on every deploy).
    const again = await trust();
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toContain(`${keyId} is trusted already as 'acme'`);
  });

  it('push --key --activate registers a signed version and publishes it', async () => {
    const pushed = await warden([
      'plugin',
      'push',
      manifestFile('1.0.0'),
      sourcePath,
      '--key',
      keyPath,
      '--activate',
      '--api',
      api.url,
    ]);
    expect(pushed).toMatchObject({ code: 0, stderr: '' });
    const digest = pluginDigest(aManifest('1.0.0'), SOURCE);
    expect(pushed.stdout).toContain(`registered ${PLUGIN_ID} 1.0.0 (DRAFT)`);
    expect(pushed.stdout).toContain(`plugin ${PLUGIN_ID} version 1.0.0 status ACTIVE digest ${digest}`);
    expect(await versions()).toEqual([
      expect.objectContaining({ version: '1.0.0', status: 'ACTIVE', digest, signingKeyId: keyId }),
    ]);
    const code = await api.call<{ language: string }>('GET', `/v1/plugins/${PLUGIN_ID}/versions/1.0.0/code`);
    expect(code.body.language).toBe('typescript');
  });

  it('a second push of a higher version adds it (the PUT path)', async () => {
    const pushed = await warden([
      'plugin',
      'push',
      manifestFile('1.1.0'),
      sourcePath,
      '--key',
      keyPath,
      '--api',
      api.url,
    ]);
    expect(pushed).toMatchObject({ code: 0, stderr: '' });
    expect(pushed.stdout).toContain(`added ${PLUGIN_ID} 1.1.0 (DRAFT)`);
    expect(pushed.stdout).toContain(`plugin ${PLUGIN_ID} version 1.1.0 status DRAFT`);
    expect((await versions()).map((v) => [v.version, v.status])).toEqual([
      ['1.1.0', 'DRAFT'],
      ['1.0.0', 'ACTIVE'],
    ]);
  });

  it('a signature made before the source changed is refused with signature_invalid', async () => {
    const manifest = manifestFile('1.2.0');
    const signaturePath = join(dir, 'notify-1.2.0.sig.json');
    const signed = await warden([
      'plugin',
      'sign',
      manifest,
      sourcePath,
      '--key',
      keyPath,
      '--out',
      signaturePath,
    ]);
    expect(signed).toMatchObject({ code: 0, stderr: '' });

    const tamperedSource = join(dir, 'notify-tampered.ts');
    writeFileSync(tamperedSource, SOURCE.replace('input.text.length', 'input.text.length + 1'));
    const push = (source: string) =>
      warden([
        'plugin',
        'push',
        manifest,
        source,
        '--signature',
        signaturePath,
        '--activate',
        '--api',
        api.url,
      ]);
    // The stale signature is refused before anything is stored, so the honest push can run alongside.
    const [refused, honest] = await Promise.all([push(tamperedSource), push(sourcePath)]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('the API answered 400 signature_invalid');
    expect(refused.stderr).toContain(`${signaturePath} signature_invalid does not verify (signature)`);
    expect(refused.stderr).toContain('they changed since signing; sign them again');
    expect(honest).toMatchObject({ code: 0, stderr: '' });
    expect(honest.stdout).toContain(`plugin ${PLUGIN_ID} version 1.2.0 status ACTIVE`);
    expect((await versions()).map((v) => [v.version, v.digest])).toEqual([
      ['1.2.0', pluginDigest(aManifest('1.2.0'), SOURCE)],
      ['1.1.0', pluginDigest(aManifest('1.1.0'), SOURCE)],
      ['1.0.0', pluginDigest(aManifest('1.0.0'), SOURCE)],
    ]);
  });
});
