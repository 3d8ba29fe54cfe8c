import { Global, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  AccessRepository,
  ApiKeyRepository,
  appDatabaseUrl,
  createDataSource,
  CustomRoleRepository,
  GrantRepository,
  PluginRepository,
  RefreshTokenRepository,
  RunRepository,
  TenantRepository,
  UserRepository,
  WorkflowRepository,
} from '@warden/persistence';
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

/** Every repository takes only the DataSource; one factory each, exported to all modules. */
const REPOSITORIES = [
  WorkflowRepository,
  RunRepository,
  TenantRepository,
  UserRepository,
  CustomRoleRepository,
  GrantRepository,
  ApiKeyRepository,
  RefreshTokenRepository,
  AccessRepository,
  PluginRepository,
] as const;

/**
 * The API connects as the application role, which neither owns the tables nor bypasses
 * row-level security; DATABASE_URL's user only prepares the database (main.ts).
 */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      useFactory: (config: ApiConfig) =>
        createDataSource(
          appDatabaseUrl(config.databaseUrl, config.databaseAppRole, config.databaseAppPassword),
        ),
      inject: [ApiConfig],
    },
    DatabaseLifecycle,
    ...REPOSITORIES.map((repository) => ({
      provide: repository,
      useFactory: (ds: DataSource) => new repository(ds),
      inject: [DataSource],
    })),
  ],
  exports: [DataSource, ...REPOSITORIES],
})
export class DatabaseModule {}
