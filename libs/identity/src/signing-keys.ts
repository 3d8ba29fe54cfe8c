import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from 'jose';
import { addSeconds, type Clock } from './clock';
import type { IdentityConfig } from './config';
import { IdentityError } from './errors';

export const ACCESS_TOKEN_ALG = 'EdDSA';

/**
 * One Ed25519 signing key. Lifecycle: active (signs and verifies) -> retired at `retiredAt` (only
 * verifies, until every token it signed has expired) -> past `notAfter` (neither; out of the JWKS).
 *
 * The private JWK is stored as is for now; encrypting it at rest with the KMS-wrapped data keys is
 * a later issue, and the store is where that will happen.
 */
export interface SigningKeyRecord {
  /** RFC 7638 thumbprint of the public key, so a kid can never name two different keys. */
  readonly kid: string;
  readonly createdAt: Date;
  readonly retiredAt: Date | null;
  /** retiredAt + access token TTL + clock tolerance; null while active. */
  readonly notAfter: Date | null;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

/** The lead implements this on a table keyed by kid. */
export interface SigningKeyStore {
  list(): Promise<readonly SigningKeyRecord[]>;
  insert(key: SigningKeyRecord): Promise<void>;
  update(key: SigningKeyRecord): Promise<void>;
}

export interface PublicSigningJwk extends JWK {
  readonly kid: string;
  readonly alg: typeof ACCESS_TOKEN_ALG;
  readonly use: 'sig';
}

export interface Jwks {
  readonly keys: readonly PublicSigningJwk[];
}

export async function generateSigningKey(now: Date): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, {
    crv: 'Ed25519',
    extractable: true,
  });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, createdAt: now, retiredAt: null, notAfter: null, privateJwk, publicJwk };
}

export type SigningKeyRingConfig = Pick<
  IdentityConfig,
  'accessTokenTtlSeconds' | 'clockToleranceSeconds' | 'signingKeyCacheSeconds'
>;

/** A token naming a kid we do not know makes us re-read the store at most this often. */
const UNKNOWN_KID_RELOAD_INTERVAL_MS = 5_000;

/**
 * The set of access-token signing keys, shared by every API instance through the store.
 * Signing always reads the store, so a rotation made by another instance takes effect at once;
 * verification uses a short-lived cache and re-reads it when a token names a kid it has not seen.
 */
export class SigningKeyRing {
  private cached: readonly SigningKeyRecord[] = [];
  private cachedAtMs = Number.NEGATIVE_INFINITY;
  private readonly importedKeys = new Map<string, Promise<KeyLike>>();

  constructor(
    private readonly store: SigningKeyStore,
    private readonly config: SigningKeyRingConfig,
    private readonly clock: Clock,
  ) {}

  /** Boot-time call: makes sure some key can sign, creating the first one on a fresh install. */
  async ensureActiveKey(now: Date = this.clock.now()): Promise<SigningKeyRecord> {
    const active = newestActive(await this.reload(now));
    if (active) return active;
    const created = await generateSigningKey(now);
    await this.store.insert(created);
    await this.reload(now);
    return created;
  }

  /**
   * Adds a new signing key, then retires every key that was active. The new key is stored first
   * so that there is never a moment with nothing to sign with.
   */
  async rotate(now: Date = this.clock.now()): Promise<SigningKeyRecord> {
    const previouslyActive = (await this.store.list()).filter((key) => key.retiredAt === null);
    const created = await generateSigningKey(now);
    await this.store.insert(created);
    const notAfter = addSeconds(now, this.config.accessTokenTtlSeconds + this.config.clockToleranceSeconds);
    for (const key of previouslyActive) {
      await this.store.update({ ...key, retiredAt: now, notAfter });
    }
    await this.reload(now);
    return created;
  }

  /** The newest active key and its private key, read fresh from the store. */
  async signingKey(now: Date = this.clock.now()): Promise<{ kid: string; privateKey: KeyLike }> {
    const active = newestActive(await this.reload(now));
    if (!active) {
      throw new IdentityError(
        'signing_key_unavailable',
        'no active signing key; call ensureActiveKey at boot',
      );
    }
    return { kid: active.kid, privateKey: await this.imported(active, 'private') };
  }

  /** The public key for `kid` if it still verifies at `now`; never a key from anywhere else. */
  async verificationKey(kid: string, now: Date = this.clock.now()): Promise<KeyLike | undefined> {
    const nowMs = now.getTime();
    if (nowMs - this.cachedAtMs > this.config.signingKeyCacheSeconds * 1000) await this.reload(now);
    let key = this.cached.find((candidate) => candidate.kid === kid);
    if (!key && nowMs - this.cachedAtMs >= UNKNOWN_KID_RELOAD_INTERVAL_MS) {
      key = (await this.reload(now)).find((candidate) => candidate.kid === kid);
    }
    if (!key || !verifiesAt(key, now)) return undefined;
    return this.imported(key, 'public');
  }

  /** The public keys that still verify, newest first, for `/.well-known/jwks.json`. */
  async jwks(now: Date = this.clock.now()): Promise<Jwks> {
    const keys = (await this.reload(now))
      .filter((key) => verifiesAt(key, now))
      .map((key): PublicSigningJwk => {
        const { kty, crv, x } = key.publicJwk;
        return { kty, crv, x, kid: key.kid, alg: ACCESS_TOKEN_ALG, use: 'sig' };
      });
    return { keys };
  }

  private async reload(now: Date): Promise<readonly SigningKeyRecord[]> {
    const keys = [...(await this.store.list())].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    this.cached = keys;
    this.cachedAtMs = now.getTime();
    return keys;
  }

  private imported(key: SigningKeyRecord, half: 'private' | 'public'): Promise<KeyLike> {
    const cacheKey = `${half}:${key.kid}`;
    let imported = this.importedKeys.get(cacheKey);
    if (!imported) {
      const jwk = half === 'private' ? key.privateJwk : key.publicJwk;
      imported = importJWK(jwk, ACCESS_TOKEN_ALG).then((result) => {
        // Only symmetric ("oct") JWKs import as raw bytes; a stored Ed25519 key never should.
        if (result instanceof Uint8Array) throw new Error(`signing key ${key.kid} is not an Ed25519 key`);
        return result;
      });
      this.importedKeys.set(cacheKey, imported);
    }
    return imported;
  }
}

function newestActive(sortedNewestFirst: readonly SigningKeyRecord[]): SigningKeyRecord | undefined {
  return sortedNewestFirst.find((key) => key.retiredAt === null);
}

function verifiesAt(key: SigningKeyRecord, now: Date): boolean {
  return key.notAfter === null || now.getTime() <= key.notAfter.getTime();
}
