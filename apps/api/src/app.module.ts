import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './auth/access.guard';
import { AuthModule } from './auth/auth.module';
import { ApiConfig } from './config/api.config';
import { ConfigModule } from './config/config.module';
import { CredentialsModule } from './credentials/credentials.module';
import { CryptoModule } from './crypto/crypto.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { IdentityModule } from './identity/identity.module';
import { KeysModule } from './keys/keys.module';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { AuditModule } from './audit/audit.module';
import { CodecModule } from './codec/codec.module';
import { PluginsModule } from './plugins/plugins.module';
import { RunsModule } from './runs/runs.module';
import { SchemaModule } from './schema/schema.module';
import { TemporalModule } from './temporal/temporal.module';
import { TenantsModule } from './tenants/tenants.module';
import { UsersModule } from './users/users.module';
import { WorkflowsModule } from './workflows/workflows.module';

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        CryptoModule,
        AuthModule,
        IdentityModule,
        TemporalModule,
        WorkflowsModule,
        RunsModule,
        HealthModule,
        SchemaModule,
        TenantsModule,
        UsersModule,
        AuditModule,
        PluginsModule,
        CredentialsModule,
        CodecModule,
        KeysModule,
      ],
      providers: [
        { provide: APP_GUARD, useExisting: AccessGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
    };
  }
}
