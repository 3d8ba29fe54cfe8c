import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { isUuid } from './ids';

/** The PostgreSQL channel on which a change to a tenant's data keys is announced. */
export const DATA_KEY_CHANNEL = 'warden_data_keys';

/**
 * Tells every process that caches this tenant's data keys (API instances, workers) to forget
 * them: after a rotation new ciphertext uses the new version at once, and after a destroy
 * nothing decrypts with a key that is gone. Delivered when the announcing transaction commits
 * (at once outside one).
 */
export async function announceDataKeyChange(dataSource: DataSource, tenantId: string): Promise<void> {
  await dataSource.query(`SELECT pg_notify($1, $2)`, [DATA_KEY_CHANNEL, tenantId]);
}

export interface DataKeyChangeListenerOptions {
  /** A tenant's keys changed; `undefined`: announcements may have been missed, forget all. */
  onChange(tenantId: string | undefined): void;
  onError?(error: Error): void;
  /** Wait before reconnecting after the connection broke. Default 1 s. */
  reconnectDelayMs?: number;
}

/**
 * Listens for announceDataKeyChange on a connection of its own, reconnecting when it breaks.
 * The key ring's cache TTL stays the backstop: an announcement lost while disconnected is
 * covered by forgetting everything on reconnect.
 *
 *   const listener = await DataKeyChangeListener.start(url, { onChange: (t) => ring.evict(t) });
 */
export class DataKeyChangeListener {
  private client: Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly opts: DataKeyChangeListenerOptions,
  ) {}

  /** Resolves once listening; rejects if the first connection fails. */
  static async start(url: string, opts: DataKeyChangeListenerOptions): Promise<DataKeyChangeListener> {
    const listener = new DataKeyChangeListener(url, opts);
    await listener.connect();
    return listener;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url });
    client.on('notification', (message) => {
      if (message.channel !== DATA_KEY_CHANNEL) return;
      const tenantId = message.payload ?? '';
      this.opts.onChange(isUuid(tenantId) ? tenantId : undefined);
    });
    client.on('error', (error) => this.broken(client, error));
    client.on('end', () => this.broken(client, new Error('the connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${DATA_KEY_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private broken(client: Client, error: Error): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    this.opts.onError?.(error);
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.timer = setTimeout(() => {
      this.connect().then(
        // Whatever was announced while we were away is unknown: forget everything.
        () => this.opts.onChange(undefined),
        (err: unknown) => {
          this.opts.onError?.(err instanceof Error ? err : new Error(String(err)));
          if (!this.closed) this.scheduleReconnect();
        },
      );
    }, this.opts.reconnectDelayMs ?? 1000);
    this.timer.unref();
  }
}
