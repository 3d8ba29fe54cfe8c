import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { GranterLoader } from './granter';
import { GrantsController } from './grants.controller';
import { GrantsService } from './grants.service';
import { RolesController } from './roles.controller';
import { RolesService } from './roles.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Access administration: users, custom roles and resource grants of the caller's tenant (repositories: DatabaseModule). */
@Module({
  imports: [AuditModule],
  controllers: [UsersController, RolesController, GrantsController],
  providers: [UsersService, RolesService, GrantsService, GranterLoader],
})
export class UsersModule {}
