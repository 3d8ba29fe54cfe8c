/**
 * The shapes every part of Warden's key hierarchy agrees on.
 *
 *   master key (KeyProvider: local file/env, or AWS KMS)
 *     └─ wraps per-tenant data keys (DataKeyStore rows, one version per rotation)
 *          └─ AES-256-GCM ciphertext of fields, credentials and Temporal payloads
 *
 * A data key is scoped to a tenant and, inside it, to a `scope`: `tenant` for the tenant's own
 * data, `subject:<id>` for one person's data, so that destroying that one key shreds only what
 * it protected.
 */

/** Where a data key belongs; the provider binds it into the wrap (KMS encryption context). */
export interface KeyContext {
  tenantId: string;
  /** `tenant`, or `subject:<id>`. */
  scope: KeyScope;
}

export type KeyScope = 'tenant' | `subject:${string}`;

export const TENANT_SCOPE: KeyScope = 'tenant';

export type KeyProviderKind = 'local' | 'aws-kms';

/** A data key as it is stored: wrapped by a master key, never in plaintext. */
export interface WrappedDataKey {
  wrapped: Buffer;
  /** The master key that wrapped it (local: `local:<fingerprint>`; KMS: the key's ARN). */
  masterKeyId: string;
}

export interface GeneratedDataKey extends WrappedDataKey {
  /** 32 bytes. Held in memory only. */
  plaintext: Buffer;
}

/** A master key holder. Implementations: LocalKeyProvider, AwsKmsKeyProvider. */
export interface KeyProvider {
  readonly kind: KeyProviderKind;
  /** The master key that new data keys are wrapped with. */
  currentMasterKeyId(): string;
  /** A fresh random 256-bit data key, with its wrapped form. */
  generateDataKey(context: KeyContext): Promise<GeneratedDataKey>;
  /** Unwraps a stored data key; the context must match the one it was wrapped with. */
  unwrapDataKey(key: WrappedDataKey, context: KeyContext): Promise<Buffer>;
  /** Wraps an existing data key under the current master key (master key rotation). */
  wrapDataKey(plaintext: Buffer, context: KeyContext): Promise<WrappedDataKey>;
}

/**
 * active: new ciphertext uses it (one per tenant and scope); retired: still decrypts older
 * ciphertext; destroyed: its wrapped bytes are gone and nothing it protected can be read.
 */
export type DataKeyState = 'active' | 'retired' | 'destroyed';

export interface StoredDataKey extends KeyContext {
  version: number;
  /** Null once destroyed. */
  wrapped: Buffer | null;
  masterKeyId: string;
  state: DataKeyState;
  createdAt: Date;
}

/** Where wrapped data keys live (PostgresDataKeyStore in @warden/persistence; an in-memory one for tests). */
export interface DataKeyStore {
  /** The active version, if one was ever made. */
  current(context: KeyContext): Promise<StoredDataKey | undefined>;
  get(context: KeyContext, version: number): Promise<StoredDataKey | undefined>;
  /** Every version of a tenant's keys (all scopes when scope is omitted), oldest first. */
  list(tenantId: string, scope?: KeyScope): Promise<StoredDataKey[]>;
  /**
   * Stores a new version (previous highest + 1) as active and retires the previous active one,
   * atomically. Two callers racing for the first key of a context: exactly one insert wins; the
   * loser gets the winner's row back (so no tenant ever has two active keys).
   */
  add(context: KeyContext, key: WrappedDataKey, opts?: { onlyIfNone?: boolean }): Promise<StoredDataKey>;
  /** Replaces the wrapped bytes of one version (master key rotation). */
  rewrap(context: KeyContext, version: number, key: WrappedDataKey): Promise<void>;
  /** Marks versions destroyed and erases their wrapped bytes; all versions when `version` is omitted. */
  destroy(context: KeyContext, version?: number): Promise<number>;
}

/** One unwrapped data key, in memory only. */
export interface DataKey extends KeyContext {
  version: number;
  key: Buffer;
}

/**
 * Where a piece of field ciphertext belongs. All of it goes into the AES-GCM additional data,
 * so ciphertext copied into another row, column or tenant does not decrypt.
 */
export interface FieldContext {
  tenantId: string;
  /** Defaults to `tenant`. */
  scope?: KeyScope;
  /** e.g. `credential_versions` */
  table: string;
  /** The row's id (or a stable composite such as `<credentialId>:<version>`). */
  recordId: string;
  /** The column or JSON path, e.g. `data` or `steps[2].env.TOKEN`. */
  field: string;
}
