import { CryptoError, PlatformSecretBox, type KeyProvider, type SealedPlatformSecret } from '@warden/crypto';
import type { JWK } from 'jose';
import type { DataSource } from 'typeorm';
import { SigningKeyEntity } from './entities/signing-key.entity';

/**
 * @warden/identity's SigningKeyRecord, field for field. Persistence (scope:shared) may not import
 * identity (scope:api); structural typing makes this repository its SigningKeyStore, and the
 * API's type check fails if the two ever drift apart.
 */
export interface StoredSigningKey {
  readonly kid: string;
  readonly createdAt: Date;
  readonly retiredAt: Date | null;
  readonly notAfter: Date | null;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

/** Identity signs access tokens with Ed25519 (its ACCESS_TOKEN_ALG). */
const SIGNING_ALGORITHM = 'EdDSA';
/** The PlatformSecretBox purpose of a private signing key; the kid is its record id. */
const SIGNING_KEY_PURPOSE = 'signing-key';

/**
 * @warden/identity's SigningKeyStore on the platform-wide signing_keys table (no tenant). Private
 * keys are sealed under the key provider's master key before they reach the database and opened
 * on the way back; rows written before that (plain JWKs) still load, and are sealed on the next
 * write or by sealPlaintextKeys (the API calls it at start).
 *
 * Every process that reads the table must hold the master key the rows are wrapped with: a row
 * that does not open fails list() with the CryptoError (master_key_mismatch names the key), so a
 * misconfigured instance fails at start instead of signing with a key of its own.
 */
export class SigningKeyRepository {
  private readonly box: PlatformSecretBox;

  constructor(
    private readonly dataSource: DataSource,
    provider: KeyProvider,
  ) {
    this.box = new PlatformSecretBox(provider);
  }

  async list(): Promise<readonly StoredSigningKey[]> {
    const rows = await this.dataSource.manager.find(SigningKeyEntity, { order: { createdAt: 'DESC' } });
    return Promise.all(rows.map((row) => this.toRecord(row)));
  }

  /** Fails on a duplicate kid (primary key). */
  async insert(key: StoredSigningKey): Promise<void> {
    await this.dataSource.manager.insert(SigningKeyEntity, {
      kid: key.kid,
      algorithm: SIGNING_ALGORITHM,
      publicJwk: { ...key.publicJwk },
      privateJwk: await this.seal(key.kid, key.privateJwk),
      createdAt: key.createdAt,
      retiredAt: key.retiredAt,
      notAfter: key.notAfter,
    });
  }

  /** Only the lifecycle moves; the key material of a kid never changes (a legacy row gets sealed). */
  async update(key: StoredSigningKey): Promise<void> {
    const result = await this.dataSource.manager.update(
      SigningKeyEntity,
      { kid: key.kid },
      { retiredAt: key.retiredAt, notAfter: key.notAfter },
    );
    if ((result.affected ?? 0) === 0) throw new Error(`no signing key ${key.kid} to update`);
    const row = await this.dataSource.manager.findOneByOrFail(SigningKeyEntity, { kid: key.kid });
    if (!PlatformSecretBox.isSealed(row.privateJwk)) await this.sealRow(row);
  }

  /** Seals the private keys still stored in clear (rows from before sealing). Returns how many. */
  async sealPlaintextKeys(): Promise<number> {
    let sealed = 0;
    for (const row of await this.dataSource.manager.find(SigningKeyEntity)) {
      if (!PlatformSecretBox.isSealed(row.privateJwk) && (await this.sealRow(row))) sealed += 1;
    }
    return sealed;
  }

  /**
   * Master key rotation: wraps every private key's data key under the provider's current master
   * key (and seals any left in clear). The provider must still hold the previous master key.
   * Idempotent; returns how many rows changed.
   */
  async rewrapAll(): Promise<number> {
    let changed = 0;
    for (const row of await this.dataSource.manager.find(SigningKeyEntity)) {
      const stored = row.privateJwk;
      if (!PlatformSecretBox.isSealed(stored)) {
        if (await this.sealRow(row)) changed += 1;
      } else if (this.box.needsRewrap(stored)) {
        const moved = await this.withKid(row.kid, () => this.box.rewrap(SIGNING_KEY_PURPOSE, stored));
        await this.dataSource.manager.update(SigningKeyEntity, { kid: row.kid }, { privateJwk: moved });
        changed += 1;
      }
    }
    return changed;
  }

  private async toRecord(row: SigningKeyEntity): Promise<StoredSigningKey> {
    return {
      kid: row.kid,
      createdAt: row.createdAt,
      retiredAt: row.retiredAt,
      notAfter: row.notAfter,
      publicJwk: row.publicJwk,
      privateJwk: await this.privateJwkOf(row),
    };
  }

  private async privateJwkOf(row: SigningKeyEntity): Promise<JWK> {
    const stored = row.privateJwk;
    if (!PlatformSecretBox.isSealed(stored)) return legacyJwk(row.kid, stored);
    const opened = await this.withKid(row.kid, () => this.box.open(SIGNING_KEY_PURPOSE, row.kid, stored));
    return parseJwk(row.kid, opened.toString('utf8'));
  }

  private seal(kid: string, privateJwk: JWK): Promise<SealedPlatformSecret> {
    return this.box.seal(SIGNING_KEY_PURPOSE, kid, Buffer.from(JSON.stringify(privateJwk), 'utf8'));
  }

  /** False when another process sealed the row first (its value is as good as ours). */
  private async sealRow(row: SigningKeyEntity): Promise<boolean> {
    const sealed = await this.seal(row.kid, legacyJwk(row.kid, row.privateJwk));
    const result = await this.dataSource.manager
      .createQueryBuilder()
      .update(SigningKeyEntity)
      .set({ privateJwk: sealed })
      .where('kid = :kid', { kid: row.kid })
      .andWhere("private_jwk ->> 'sealed' IS NULL")
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Names the signing key in a crypto failure, so an operator knows which row did not open. */
  private async withKid<T>(kid: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof CryptoError)
        throw new CryptoError(err.code, `signing key ${kid}: ${err.message}`, err);
      throw err;
    }
  }
}

/**
 * Master key rotation for the platform's signing keys (the counterpart of KeyRing.rewrapAll for
 * tenants' data keys): run it after the provider's current master key changed, while the previous
 * one is still held (WARDEN_MASTER_KEY_PREVIOUS, or the old KMS key still usable).
 */
export function rewrapSigningKeys(dataSource: DataSource, provider: KeyProvider): Promise<number> {
  return new SigningKeyRepository(dataSource, provider).rewrapAll();
}

function legacyJwk(kid: string, stored: SealedPlatformSecret | JWK): JWK {
  if (PlatformSecretBox.isSealed(stored) || typeof stored.kty !== 'string') {
    throw new CryptoError('ciphertext_malformed', `signing key ${kid}: the stored private key is not a JWK`);
  }
  return stored;
}

function parseJwk(kid: string, text: string): JWK {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as JWK).kty !== 'string') {
    throw new CryptoError('ciphertext_malformed', `signing key ${kid}: the sealed private key is not a JWK`);
  }
  return parsed as JWK;
}
