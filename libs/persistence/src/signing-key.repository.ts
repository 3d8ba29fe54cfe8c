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

/** @warden/identity's SigningKeyStore on the platform-wide signing_keys table (no tenant). */
export class SigningKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<readonly StoredSigningKey[]> {
    const rows = await this.dataSource.manager.find(SigningKeyEntity, { order: { createdAt: 'DESC' } });
    return rows.map(toRecord);
  }

  /** Fails on a duplicate kid (primary key). */
  async insert(key: StoredSigningKey): Promise<void> {
    await this.dataSource.manager.insert(SigningKeyEntity, {
      kid: key.kid,
      algorithm: SIGNING_ALGORITHM,
      publicJwk: { ...key.publicJwk },
      privateJwk: { ...key.privateJwk },
      createdAt: key.createdAt,
      retiredAt: key.retiredAt,
      notAfter: key.notAfter,
    });
  }

  /** Only the lifecycle moves; the key material of a kid never changes. */
  async update(key: StoredSigningKey): Promise<void> {
    const result = await this.dataSource.manager.update(
      SigningKeyEntity,
      { kid: key.kid },
      { retiredAt: key.retiredAt, notAfter: key.notAfter },
    );
    if ((result.affected ?? 0) === 0) throw new Error(`no signing key ${key.kid} to update`);
  }
}

function toRecord(row: SigningKeyEntity): StoredSigningKey {
  return {
    kid: row.kid,
    createdAt: row.createdAt,
    retiredAt: row.retiredAt,
    notAfter: row.notAfter,
    publicJwk: row.publicJwk,
    privateJwk: row.privateJwk,
  };
}
