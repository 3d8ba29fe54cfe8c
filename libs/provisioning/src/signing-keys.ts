import { access } from 'node:fs/promises';
import { createKeyProvider, CryptoError, loadCryptoConfig, type KeyProvider } from '@warden/crypto';
import { resolveIdentityConfig, SigningKeyRing, systemClock } from '@warden/identity';
import {
  appDatabaseUrl,
  createDataSource,
  DEFAULT_APP_ROLE,
  SigningKeyRepository,
} from '@warden/persistence';

/**
 * Rotates the access-token signing key: a new key signs from now on (every API instance reads
 * the ring on each signature); the old one keeps verifying until its last token has expired,
 * then leaves the JWKS. The new private key is sealed under the API's master key, so `provider`
 * must be the API's (by default: from the same WARDEN_KEY_PROVIDER / WARDEN_MASTER_KEY* /
 * WARDEN_KMS_* variables in this process's environment).
 */
export async function rotateSigningKey(
  databaseUrl: string,
  provider?: KeyProvider,
): Promise<{ kid: string; keys: number }> {
  const keyProvider = provider ?? (await existingKeyProvider(process.env));
  const dataSource = await createDataSource(appDatabaseUrl(databaseUrl, DEFAULT_APP_ROLE), {
    poolSize: 1,
  }).initialize();
  try {
    const keys = new SigningKeyRepository(dataSource, keyProvider);
    const ring = new SigningKeyRing(keys, resolveIdentityConfig(), systemClock);
    const rotated = await ring.rotate();
    return { kid: rotated.kid, keys: (await ring.jwks()).keys.length };
  } finally {
    await dataSource.destroy();
  }
}

/**
 * The configured provider, except that a missing local key file is an error rather than made
 * afresh: a key sealed under a master key the API does not hold would stop it signing at all.
 */
async function existingKeyProvider(env: Record<string, string | undefined>): Promise<KeyProvider> {
  const config = loadCryptoConfig(env);
  if (config.provider === 'local' && config.masterKey === undefined) {
    try {
      await access(config.keyFile);
    } catch {
      throw new CryptoError(
        'key_config_invalid',
        `no master key: ${config.keyFile} does not exist; set WARDEN_MASTER_KEY, WARDEN_MASTER_KEY_FILE ` +
          'or WARDEN_DATA_DIR to what the API uses',
      );
    }
  }
  return createKeyProvider(config);
}
