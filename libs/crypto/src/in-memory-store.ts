import type { DataKeyStore, KeyContext, KeyScope, StoredDataKey, WrappedDataKey } from './contract';

/** A DataKeyStore in a Map, for unit tests and benchmarks; PostgresDataKeyStore is the real one. */
export class InMemoryDataKeyStore implements DataKeyStore {
  private readonly rows: StoredDataKey[] = [];

  current(context: KeyContext): Promise<StoredDataKey | undefined> {
    return Promise.resolve(this.of(context).find((row) => row.state === 'active'));
  }

  get(context: KeyContext, version: number): Promise<StoredDataKey | undefined> {
    return Promise.resolve(this.of(context).find((row) => row.version === version));
  }

  list(tenantId: string, scope?: KeyScope): Promise<StoredDataKey[]> {
    return Promise.resolve(
      this.rows.filter((row) => row.tenantId === tenantId && (scope === undefined || row.scope === scope)),
    );
  }

  add(context: KeyContext, key: WrappedDataKey, opts: { onlyIfNone?: boolean } = {}): Promise<StoredDataKey> {
    const existing = this.of(context);
    const active = existing.find((row) => row.state === 'active');
    if (opts.onlyIfNone && active) return Promise.resolve(active);
    if (active) active.state = 'retired';
    const row: StoredDataKey = {
      tenantId: context.tenantId,
      scope: context.scope,
      version: existing.reduce((max, r) => Math.max(max, r.version), 0) + 1,
      wrapped: Buffer.from(key.wrapped),
      masterKeyId: key.masterKeyId,
      state: 'active',
      createdAt: new Date(),
    };
    this.rows.push(row);
    return Promise.resolve(row);
  }

  rewrap(context: KeyContext, version: number, key: WrappedDataKey): Promise<void> {
    const row = this.of(context).find((r) => r.version === version);
    if (row && row.state !== 'destroyed') {
      row.wrapped = Buffer.from(key.wrapped);
      row.masterKeyId = key.masterKeyId;
    }
    return Promise.resolve();
  }

  destroy(context: KeyContext, version?: number): Promise<number> {
    let count = 0;
    for (const row of this.of(context)) {
      if ((version === undefined || row.version === version) && row.state !== 'destroyed') {
        row.state = 'destroyed';
        row.wrapped = null;
        count += 1;
      }
    }
    return Promise.resolve(count);
  }

  private of(context: KeyContext): StoredDataKey[] {
    return this.rows.filter((row) => row.tenantId === context.tenantId && row.scope === context.scope);
  }
}
