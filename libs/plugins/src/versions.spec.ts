import type { PluginStatus } from './types';
import { assertNewerVersion, parsePluginRef, resolveVersion } from './versions';

const code = (code: string) => expect.objectContaining({ code });

describe('plugin references and versions', () => {
  it('parses id@range', () => {
    expect(parsePluginRef('acme.slack-notify@^1.2')).toEqual({ id: 'acme.slack-notify', range: '^1.2' });
    expect(parsePluginRef('acme.x@1.2.3')).toEqual({ id: 'acme.x', range: '1.2.3' });
  });

  it.each(['acme.x', 'acme@^1', 'Acme.x@^1', 'acme.x@latest', 'acme.x@', '@^1', `${'a'.repeat(200)}.x@^1`])(
    'refuses the reference %s (plugin_ref_invalid)',
    (ref) => {
      expect(() => parsePluginRef(ref)).toThrow(code('plugin_ref_invalid'));
    },
  );

  const published: { version: string; status: PluginStatus }[] = [
    { version: '1.0.0', status: 'ACTIVE' },
    { version: '1.4.0', status: 'DEPRECATED' },
    { version: '1.3.0', status: 'ACTIVE' },
    { version: '1.5.0', status: 'DRAFT' },
    { version: '2.0.0', status: 'ACTIVE' },
  ];

  it('resolves the highest ACTIVE or DEPRECATED version in range, never a DRAFT', () => {
    expect(resolveVersion('^1.0', published)).toEqual({ version: '1.4.0', status: 'DEPRECATED' });
    expect(resolveVersion('~1.3', published)).toEqual({ version: '1.3.0', status: 'ACTIVE' });
    expect(resolveVersion('1.5.0', published)).toBeUndefined();
    expect(resolveVersion('^2', published)).toEqual({ version: '2.0.0', status: 'ACTIVE' });
    expect(resolveVersion('^3', published)).toBeUndefined();
  });

  it('only lets versions increase', () => {
    expect(() => assertNewerVersion('1.4.1', ['1.0.0', '1.4.0'])).not.toThrow();
    expect(() => assertNewerVersion('1.0.0', [])).not.toThrow();
    expect(() => assertNewerVersion('1.4.0', ['1.0.0', '1.4.0'])).toThrow(code('version_not_increasing'));
    expect(() => assertNewerVersion('1.2.0', ['1.0.0', '1.4.0'])).toThrow(code('version_not_increasing'));
    expect(() => assertNewerVersion('1.5.0-rc.1', ['1.5.0'])).toThrow(code('version_not_increasing'));
  });

  it.each(['v1.2.3', '1.2', '=1.2.3', '01.2.3', 'latest'])('refuses the non-strict version %s', (version) => {
    expect(() => assertNewerVersion(version, [])).toThrow(code('version_invalid'));
  });
});
