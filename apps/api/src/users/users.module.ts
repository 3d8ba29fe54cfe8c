import { Module, type Provider } from '@nestjs/common';
import { ApiKeyRepository, CustomRoleRepository, GrantRepository, UserRepository } from '@warden/persistence';
import { DataSource } from 'typeorm';
import { AuditModule } from '../audit/audit.module';
import { GranterLoader } from './granter';
import { GrantsController } from './grants.controller';
import { GrantsService } from './grants.service';
import { RolesController } from './roles.controller';
import { RolesService } from './roles.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Repositories built on the shared DataSource (stateless; the same as other modules build). */
function repository<T>(type: new (ds: DataSource) => T): Provider {
  return { provide: type, useFactory: (ds: DataSource) => new type(ds), inject: [DataSource] };
}

/** Access administration: users, custom roles and resource grants of the caller's tenant. */
@Module({
  imports: [AuditModule],
  controllers: [UsersController, RolesController, GrantsController],
  providers: [
    UsersService,
    RolesService,
    GrantsService,
    GranterLoader,
    repository(UserRepository),
    repository(CustomRoleRepository),
    repository(GrantRepository),
    repository(ApiKeyRepository),
  ],
})
export class UsersModule {}
