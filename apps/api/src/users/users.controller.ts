import { Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { TenantScope } from '@warden/persistence';
import { RequestAudit, type AuditContext } from '../audit/audit-context';
import { CurrentPrincipal, CurrentTenant } from '../auth/current.decorators';
import { RequirePermission } from '../auth/permissions';
import { ApiErrorResponses } from '../http/openapi.decorators';
import type { Principal } from '../http/request-context';
import { JsonBody } from '../http/request-body';
import { UuidParam } from '../http/uuid-param';
import {
  createUserBody,
  updateUserBody,
  userListQuery,
  userListSchema,
  userViewSchema,
  type UserView,
} from './users.dto';
import { malformedUserId } from './users.errors';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('user:manage')
  @ApiOperation({ summary: 'Add a user to the tenant with roles the caller may assign' })
  @ApiBody({ schema: createUserBody.schema })
  @ApiResponse({ status: 201, schema: userViewSchema })
  @ApiErrorResponses(400, 403, 409)
  create(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() caller: Principal,
    @RequestAudit() audit: AuditContext,
    @JsonBody() body: unknown,
  ): Promise<UserView> {
    return this.users.create(scope, caller, createUserBody.parse(body), audit);
  }

  @Get()
  @RequirePermission('user:manage')
  @ApiOperation({ summary: "The tenant's users, by email" })
  @ApiQuery({ name: 'limit', required: false, description: '1..1000, default 100' })
  @ApiResponse({ status: 200, schema: userListSchema })
  @ApiErrorResponses(400, 403)
  async list(@CurrentTenant() scope: TenantScope, @Query() query: unknown): Promise<{ items: UserView[] }> {
    const { limit } = userListQuery.parse(query);
    return { items: await this.users.list(scope, limit === undefined ? 100 : Number(limit)) };
  }

  @Get(':userId')
  @RequirePermission('user:manage')
  @ApiOperation({ summary: 'One user' })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiResponse({ status: 200, schema: userViewSchema })
  @ApiErrorResponses(403, 404)
  get(
    @CurrentTenant() scope: TenantScope,
    @UuidParam('userId', malformedUserId) userId: string,
  ): Promise<UserView> {
    return this.users.get(scope, userId);
  }

  @Patch(':userId')
  @HttpCode(200)
  @RequirePermission('user:manage')
  @ApiOperation({ summary: "Change a user's roles, status or display name (anti-escalation rules apply)" })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiBody({ schema: updateUserBody.schema })
  @ApiResponse({ status: 200, schema: userViewSchema })
  @ApiErrorResponses(400, 403, 404, 409)
  update(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() caller: Principal,
    @RequestAudit() audit: AuditContext,
    @UuidParam('userId', malformedUserId) userId: string,
    @JsonBody() body: unknown,
  ): Promise<UserView> {
    return this.users.update(scope, caller, userId, updateUserBody.parse(body), audit);
  }
}
