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
 * then leaves the JWKS.
 */
export async function rotateSigningKey(databaseUrl: string): Promise<{ kid: string; keys: number }> {
  const dataSource = await createDataSource(appDatabaseUrl(databaseUrl, DEFAULT_APP_ROLE), {
    poolSize: 1,
  }).initialize();
  try {
    const keys = new SigningKeyRepository(dataSource);
    const ring = new SigningKeyRing(keys, resolveIdentityConfig(), systemClock);
    const rotated = await ring.rotate();
    return { kid: rotated.kid, keys: (await ring.jwks()).keys.length };
  } finally {
    await dataSource.destroy();
  }
}
