import { PluginError } from './errors';
import { parsePublisherKey } from './signing';

/** A publisher key every tenant trusts, from the operators of the installation. */
export interface PlatformPublisherKey {
  keyId: string;
  name: string;
  publicKeyPem: string;
}

const SHAPE = 'must be a JSON list of {"name", "publicKeyPem"}';

/**
 * Reads WARDEN_PLATFORM_PUBLISHER_KEYS: a JSON list of `{name, publicKeyPem}` (Ed25519, SPKI PEM).
 * Empty or absent means none. Throws PluginError `key_invalid` naming the entry at fault; the API
 * and the worker turn it into their configuration error with the variable's name.
 */
export function parsePlatformPublisherKeys(raw: string | undefined): PlatformPublisherKey[] {
  if (raw === undefined || raw.trim() === '') return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    throw new PluginError('key_invalid', SHAPE);
  }
  if (!Array.isArray(list)) throw new PluginError('key_invalid', SHAPE);
  return list.map((entry: unknown, i) => {
    const { name, publicKeyPem } = (entry ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || name.trim() === '') {
      throw new PluginError('key_invalid', `entry ${i}: name must be a non-empty string`);
    }
    try {
      const key = parsePublisherKey(publicKeyPem);
      return { keyId: key.keyId, name, publicKeyPem: key.publicKeyPem };
    } catch (err) {
      if (err instanceof PluginError) throw new PluginError('key_invalid', `entry ${i}: ${err.message}`);
      throw err;
    }
  });
}
