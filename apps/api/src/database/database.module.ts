import { Global, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { createDataSource, RunRepository, WorkflowRepository } from '@warden/persistence';
import { DataSource } from 'typeorm';
import { ApiConfig } from '../config/api.config';

/**
 * Connects when the application initializes, not when it is constructed, so building the
 * OpenAPI document needs no database.
 */
@Injectable()
class DatabaseLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    if (!this.dataSource.isInitialized) await this.dataSource.initialize();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      useFactory: (config: ApiConfig) => createDataSource(config.databaseUrl),
      inject: [ApiConfig],
    },
    DatabaseLifecycle,
    {
      provide: WorkflowRepository,
      useFactory: (ds: DataSource) => new WorkflowRepository(ds),
      inject: [DataSource],
    },
    { provide: RunRepository, useFactory: (ds: DataSource) => new RunRepository(ds), inject: [DataSource] },
  ],
  exports: [DataSource, WorkflowRepository, RunRepository],
})
export class DatabaseModule {}
