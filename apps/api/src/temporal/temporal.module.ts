import { Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { ApiConfig } from '../config/api.config';
import { TenantClients } from './tenant-clients';

/** Lazy: the API boots (and /readyz can say what is wrong) even while Temporal is down. */
@Injectable()
class TemporalLifecycle implements OnApplicationShutdown {
  constructor(private readonly connection: Connection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: Connection,
      useFactory: (config: ApiConfig) =>
        Connection.lazy({ address: config.temporalAddress, tls: config.tls.temporal }),
      inject: [ApiConfig],
    },
    TemporalLifecycle,
    // No data converter: for health checks, never for payloads (TenantClients has those).
    {
      provide: Client,
      useFactory: (connection: Connection, config: ApiConfig) =>
        new Client({ connection, namespace: config.temporalNamespace }),
      inject: [Connection, ApiConfig],
    },
    TenantClients,
  ],
  exports: [Connection, Client, TenantClients],
})
export class TemporalModule {}
