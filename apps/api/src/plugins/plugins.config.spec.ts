import { generatePublisherKeyPair } from '@warden/plugins';
import { PluginRegistryConfig } from './plugins.config';

describe('PluginRegistryConfig', () => {
  it('trusts no platform key by default', () => {
    expect(PluginRegistryConfig.fromEnv({}).platformKeys).toEqual([]);
  });

  it('reads platform keys with their derived ids', () => {
    const key = generatePublisherKeyPair();
    const config = PluginRegistryConfig.fromEnv({
      WARDEN_PLATFORM_PUBLISHER_KEYS: JSON.stringify([{ name: 'warden', publicKeyPem: key.publicKeyPem }]),
    });
    expect(config.platformKeys).toEqual([
      { keyId: key.keyId, name: 'warden', publicKeyPem: key.publicKeyPem },
    ]);
  });

  it.each([
    ['not JSON', '{', /must be a JSON list/],
    ['not a list', '{}', /must be a JSON list/],
    ['no name', '[{"publicKeyPem": "x"}]', /entry 0: name/],
    [
      'a private key',
      JSON.stringify([{ name: 'k', publicKeyPem: generatePublisherKeyPair().privateKeyPem }]),
      /entry 0: .*SPKI/,
    ],
  ])('refuses %s, naming the variable', (_case, value, message) => {
    expect(() => PluginRegistryConfig.fromEnv({ WARDEN_PLATFORM_PUBLISHER_KEYS: value })).toThrow(
      expect.objectContaining({
        variable: 'WARDEN_PLATFORM_PUBLISHER_KEYS',
        message: expect.stringMatching(message),
      }),
    );
  });
});
