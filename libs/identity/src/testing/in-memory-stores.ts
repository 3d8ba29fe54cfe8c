import type { RefreshTokenRecord, RefreshTokenStore } from '../refresh-tokens';
import type { SigningKeyRecord, SigningKeyStore } from '../signing-keys';

/**
 * Strict fakes of the PostgreSQL tables, for unit tests. They hand out copies (a caller cannot
 * change stored rows by mutating a result), enforce the unique constraints, and every method
 * yields before acting, as a database round trip would, so concurrent calls really interleave.
 */
export class InMemorySigningKeyStore implements SigningKeyStore {
  private readonly rows = new Map<string, SigningKeyRecord>();

  async list(): Promise<readonly SigningKeyRecord[]> {
    await roundTrip();
    return [...this.rows.values()].map(copySigningKey);
  }

  async insert(key: SigningKeyRecord): Promise<void> {
    await roundTrip();
    if (this.rows.has(key.kid)) throw new UniqueViolation('signing_keys_pkey');
    this.rows.set(key.kid, copySigningKey(key));
  }

  async update(key: SigningKeyRecord): Promise<void> {
    await roundTrip();
    if (!this.rows.has(key.kid)) throw new Error(`no signing key ${key.kid} to update`);
    this.rows.set(key.kid, copySigningKey(key));
  }
}

export class InMemoryRefreshTokenStore implements RefreshTokenStore {
  private readonly rows = new Map<string, RefreshTokenRecord>();

  async insert(record: RefreshTokenRecord): Promise<void> {
    await roundTrip();
    if (this.rows.has(record.id)) throw new UniqueViolation('refresh_tokens_pkey');
    if (this.findRow(record.tokenHash)) throw new UniqueViolation('refresh_tokens_token_hash_key');
    this.rows.set(record.id, copyRefreshToken(record));
  }

  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    await roundTrip();
    const row = this.findRow(tokenHash);
    return row && copyRefreshToken(row);
  }

  async markUsed(id: string, at: Date): Promise<boolean> {
    await roundTrip();
    const row = this.rows.get(id);
    if (!row || row.usedAt !== null || row.revokedAt !== null) return false;
    this.rows.set(id, { ...row, usedAt: new Date(at) });
    return true;
  }

  async revokeFamily(familyId: string, at: Date): Promise<number> {
    await roundTrip();
    let revoked = 0;
    for (const row of this.rows.values()) {
      if (row.familyId === familyId && row.revokedAt === null) {
        this.rows.set(row.id, { ...row, revokedAt: new Date(at) });
        revoked++;
      }
    }
    return revoked;
  }

  /** Every stored row, for assertions. */
  all(): RefreshTokenRecord[] {
    return [...this.rows.values()].map(copyRefreshToken);
  }

  private findRow(tokenHash: string): RefreshTokenRecord | undefined {
    return [...this.rows.values()].find((row) => row.tokenHash === tokenHash);
  }
}

export class UniqueViolation extends Error {
  constructor(readonly constraint: string) {
    super(`duplicate key value violates unique constraint "${constraint}"`);
    this.name = 'UniqueViolation';
  }
}

function roundTrip(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function copySigningKey(key: SigningKeyRecord): SigningKeyRecord {
  return structuredClone(key);
}

function copyRefreshToken(record: RefreshTokenRecord): RefreshTokenRecord {
  return structuredClone(record);
}
