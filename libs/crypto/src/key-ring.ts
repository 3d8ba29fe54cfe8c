import type { DataKey, DataKeyStore, KeyContext, KeyProvider, StoredDataKey } from './contract';
import { CryptoError, isUnreadableCiphertext } from './crypto.errors';

/**
 * How long a lookup that found no usable key (never made, or destroyed) is remembered: a batch
 * of payloads naming such a key costs one store query, not one each. Short, so a version another
 * process has just made is seen soon even without its change notice.
 */
const MISSING_KEY_TTL_MS = 5_000;

export interface KeyRingOptions {
  provider: KeyProvider;
  store: DataKeyStore;
  /** How long an unwrapped data key (and which version is current) stays in memory. Default 5 min. */
  cacheTtlMs?: number;
  now?: () => number;
}

interface Cached<T> {
  value: Promise<T>;
  expiresAt: number;
}

/**
 * A process's view of the tenants' data keys: unwraps them through the provider on first use
 * and keeps them in memory for a while, so encrypting a field or a payload costs no KMS call.
 *
 *   const ring = new KeyRing({ provider, store });
 *   const key = await ring.currentKey({ tenantId, scope: 'tenant' });
 *
 * Another process's rotation is seen once the cached current version expires; until then this
 * process keeps writing with the previous version, which stays readable (retired, not destroyed).
 */
export class KeyRing {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly keys = new Map<string, Cached<DataKey>>();
  private readonly currentVersions = new Map<string, Cached<number>>();

  constructor(private readonly opts: KeyRingOptions) {
    this.ttlMs = opts.cacheTtlMs ?? 300_000;
    this.now = opts.now ?? Date.now;
  }

  get provider(): KeyProvider {
    return this.opts.provider;
  }

  /** The key new ciphertext uses; the context's first key is made on first use. */
  async currentKey(context: KeyContext): Promise<DataKey> {
    const version = await this.cached(this.currentVersions, contextKey(context), async () => {
      const stored = (await this.opts.store.current(context)) ?? (await this.createFirst(context));
      return stored.version;
    });
    return this.key(context, version);
  }

  async key(context: KeyContext, version: number): Promise<DataKey> {
    return this.cached(this.keys, `${contextKey(context)}\u0000${version}`, async () => {
      const stored = await this.opts.store.get(context, version);
      if (stored === undefined) {
        throw new CryptoError(
          'key_not_found',
          `no data key version ${version} for this ${describe(context)}`,
        );
      }
      return { ...context, version, key: await this.unwrap(stored) };
    });
  }

  /** A new active version; older versions are retired and still decrypt what they sealed. */
  async rotate(context: KeyContext): Promise<StoredDataKey> {
    const generated = await this.opts.provider.generateDataKey(context);
    const stored = await this.opts.store.add(context, generated);
    this.currentVersions.delete(contextKey(context));
    this.keys.set(`${contextKey(context)}\u0000${stored.version}`, {
      value: Promise.resolve({ ...context, version: stored.version, key: generated.plaintext }),
      expiresAt: this.now() + this.ttlMs,
    });
    return stored;
  }

  /**
   * Wraps every live data key of a tenant under the provider's current master key (after a
   * master key rotation). Returns how many versions were rewrapped.
   */
  async rewrapAll(tenantId: string): Promise<number> {
    const current = this.opts.provider.currentMasterKeyId();
    let rewrapped = 0;
    for (const stored of await this.opts.store.list(tenantId)) {
      if (stored.wrapped === null || stored.masterKeyId === current) continue;
      const plaintext = await this.unwrap(stored);
      await this.opts.store.rewrap(
        stored,
        stored.version,
        await this.opts.provider.wrapDataKey(plaintext, stored),
      );
      rewrapped += 1;
    }
    return rewrapped;
  }

  /** Crypto-shredding: the versions' wrapped bytes are erased and this process forgets them. */
  async destroy(context: KeyContext, version?: number): Promise<number> {
    const destroyed = await this.opts.store.destroy(context, version);
    this.evict(context.tenantId);
    return destroyed;
  }

  /** Forgets cached keys: of one tenant, or all. */
  evict(tenantId?: string): void {
    for (const map of [this.keys, this.currentVersions] as Map<string, unknown>[]) {
      for (const key of [...map.keys()]) {
        if (tenantId === undefined || key.startsWith(`${tenantId}\u0000`)) map.delete(key);
      }
    }
  }

  private async createFirst(context: KeyContext): Promise<StoredDataKey> {
    const generated = await this.opts.provider.generateDataKey(context);
    return this.opts.store.add(context, generated, { onlyIfNone: true });
  }

  private async unwrap(stored: StoredDataKey): Promise<Buffer> {
    if (stored.state === 'destroyed' || stored.wrapped === null) {
      throw new CryptoError(
        'key_destroyed',
        `data key version ${stored.version} of this ${describe(stored)} was destroyed; what it protected cannot be read`,
      );
    }
    return this.opts.provider.unwrapDataKey(
      { wrapped: stored.wrapped, masterKeyId: stored.masterKeyId },
      stored,
    );
  }

  /**
   * One in-flight lookup per entry. A failed lookup is forgotten at once (the provider may be
   * back next time), except a key that is missing or destroyed, remembered briefly.
   */
  private cached<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    const now = this.now();
    if (hit !== undefined && hit.expiresAt > now) return hit.value;
    const value = load();
    const entry = { value, expiresAt: now + this.ttlMs };
    map.set(key, entry);
    value.catch((err: unknown) => {
      if (map.get(key) !== entry) return;
      if (isUnreadableCiphertext(err))
        entry.expiresAt = Math.min(entry.expiresAt, this.now() + MISSING_KEY_TTL_MS);
      else map.delete(key);
    });
    return value;
  }
}

function contextKey(context: KeyContext): string {
  return `${context.tenantId}\u0000${context.scope}`;
}

function describe(context: KeyContext): string {
  return context.scope === 'tenant' ? 'tenant' : `tenant's ${context.scope}`;
}
