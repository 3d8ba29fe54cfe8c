import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { KeyRing } from '@warden/crypto';
import { announceDataKeyChange, appDatabaseUrl, DataKeyChangeListener } from '@warden/persistence';
import { DataSource } from 'typeorm';
import { ApiConfig } from '../config/api.config';

/**
 * Keeps every process's cache of data keys in step with the key table: this API's key ring
 * forgets a tenant's keys when any process announces a change to them (a rotation, a destroy,
 * a rewrap), and announces its own. Without the listener (the database refused it at boot) the
 * ring's cache TTL still bounds how long an old key is used.
 */
@Injectable()
export class KeyChanges implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('keys');
  private listener: DataKeyChangeListener | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly ring: KeyRing,
    private readonly config: ApiConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const url = appDatabaseUrl(
      this.config.databaseUrl,
      this.config.databaseAppRole,
      this.config.databaseAppPassword,
    );
    try {
      this.listener = await DataKeyChangeListener.start(url, {
        onChange: (tenantId) => this.ring.evict(tenantId),
        onError: (err) => this.logger.warn(`data key announcements interrupted: ${err.message}`),
      });
    } catch (err) {
      this.logger.warn(
        `not listening for data key changes (cached keys expire after their TTL instead): ${
          err instanceof Error ? err.message : String(err)
        }`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.close();
  }

  /** This process forgets the tenant's keys at once; the others as the announcement reaches them. */
  async announce(tenantId: string): Promise<void> {
    this.ring.evict(tenantId);
    await announceDataKeyChange(this.dataSource, tenantId);
  }
}
