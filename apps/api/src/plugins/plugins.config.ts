import { parsePublisherKey, PluginError } from '@warden/plugins';
import { ConfigError } from '../config/api.config';

type Env = Record<string, string | undefined>;

/** A publisher key every tenant trusts, from the operators of the installation. */
export interface PlatformPublisherKey {
  keyId: string;
  name: string;
  publicKeyPem: string;
}

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
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    throw new ConfigError(name, 'must be a JSON list of {"name", "publicKeyPem"}');
  }
  if (!Array.isArray(list)) throw new ConfigError(name, 'must be a JSON list of {"name", "publicKeyPem"}');
  return list.map((entry: unknown, i) => {
    const { name: keyName, publicKeyPem } = (entry ?? {}) as Record<string, unknown>;
    if (typeof keyName !== 'string' || keyName.trim() === '') {
      throw new ConfigError(name, `entry ${i}: name must be a non-empty string`);
    }
    try {
      const key = parsePublisherKey(publicKeyPem);
      return { keyId: key.keyId, name: keyName, publicKeyPem: key.publicKeyPem };
    } catch (err) {
      if (err instanceof PluginError) throw new ConfigError(name, `entry ${i}: ${err.message}`);
      throw err;
    }
  });
}
