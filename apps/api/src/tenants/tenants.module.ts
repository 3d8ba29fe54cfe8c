import { Module, type Provider } from '@nestjs/common';
import { CustomRoleRepository, TenantRepository, UserRepository } from '@warden/persistence';
import { DataSource } from 'typeorm';
import { AuditModule } from '../audit/audit.module';
import { TenantStore } from './tenant-store';
import { TenantsController } from './tenants.controller';
import { TenantsService } from './tenants.service';

function repository<T>(type: new (ds: DataSource) => T): Provider {
  return { provide: type, useFactory: (ds: DataSource) => new type(ds), inject: [DataSource] };
}

/** The tenant registry, for platform admins. */
@Module({
  imports: [AuditModule],
  controllers: [TenantsController],
  providers: [
    TenantsService,
    TenantStore,
    repository(TenantRepository),
    repository(UserRepository),
    repository(CustomRoleRepository),
  ],
})
export class TenantsModule {}
