import { parsePlatformPublisherKeys, PluginError, type PlatformPublisherKey } from '@warden/plugins';
import { ConfigError } from '../config/api.config';

type Env = Record<string, string | undefined>;

export type { PlatformPublisherKey };

/** The plugin registry's configuration, read once at boot and validated. */
export class PluginRegistryConfig {
  constructor(
    /**
     * WARDEN_PLATFORM_PUBLISHER_KEYS: a JSON list of `{name, publicKeyPem}` (Ed25519, SPKI PEM)
     * whose signatures every tenant accepts, e.g. the installation's own plugins. Default none.
     */
    readonly platformKeys: readonly PlatformPublisherKey[] = [],
  ) {}

  /** Throws ConfigError naming the variable (and the list index) on the first bad entry. */
  static fromEnv(env: Env): PluginRegistryConfig {
    return new PluginRegistryConfig(platformKeysVar(env, 'WARDEN_PLATFORM_PUBLISHER_KEYS'));
  }
}

function platformKeysVar(env: Env, name: string): PlatformPublisherKey[] {
  try {
    return parsePlatformPublisherKeys(env[name]);
  } catch (err) {
    if (err instanceof PluginError) throw new ConfigError(name, err.message);
    throw err;
  }
}
