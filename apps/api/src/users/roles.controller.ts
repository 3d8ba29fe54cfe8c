import { Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { TenantScope } from '@warden/persistence';
import { RequestAudit, type AuditContext } from '../audit/audit-context';
import { CurrentPrincipal, CurrentTenant } from '../auth/current.decorators';
import { RequirePermission } from '../auth/permissions';
import { ApiErrorResponses } from '../http/openapi.decorators';
import type { Principal } from '../http/request-context';
import { JsonBody } from '../http/request-body';
import {
  createRoleBody,
  ROLE_KEY_PATTERN,
  roleListSchema,
  roleViewSchema,
  updateRoleBody,
  type RoleView,
} from './roles.dto';
import { roleFrom, RolesService } from './roles.service';
import { UserAdminError } from './users.errors';

/** A key that cannot be a custom role's names none: not found, without touching the database. */
function roleKey(key: string): string {
  if (ROLE_KEY_PATTERN.test(key)) return key;
  throw new UserAdminError('role_not_found', 'no custom role has this key', {
    problems: [{ path: 'key', message: 'must be 1-63 lower-case letters, digits or dashes' }],
  });
}

@ApiTags('roles')
@Controller('v1/roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @RequirePermission('role:manage')
  @ApiOperation({ summary: 'Built-in and custom roles with their resolved permissions' })
  @ApiResponse({ status: 200, schema: roleListSchema })
  @ApiErrorResponses(403)
  async list(@CurrentTenant() scope: TenantScope): Promise<{ items: RoleView[] }> {
    return { items: await this.roles.list(scope) };
  }

  @Post()
  @HttpCode(201)
  @RequirePermission('role:manage')
  @ApiOperation({ summary: 'Define a custom role (no cycles; nothing the caller does not hold)' })
  @ApiBody({ schema: createRoleBody.schema })
  @ApiResponse({ status: 201, schema: roleViewSchema })
  @ApiErrorResponses(400, 403, 409)
  create(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() caller: Principal,
    @RequestAudit() audit: AuditContext,
    @JsonBody() body: unknown,
  ): Promise<RoleView> {
    return this.roles.create(scope, caller, createRoleBody.parse(body), audit);
  }

  @Put(':key')
  @HttpCode(200)
  @RequirePermission('role:manage')
  @ApiOperation({ summary: 'Replace a custom role’s name, base and permission changes' })
  @ApiParam({ name: 'key' })
  @ApiBody({ schema: updateRoleBody.schema })
  @ApiResponse({ status: 200, schema: roleViewSchema })
  @ApiErrorResponses(400, 403, 404)
  replace(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() caller: Principal,
    @RequestAudit() audit: AuditContext,
    @Param('key') key: string,
    @JsonBody() body: unknown,
  ): Promise<RoleView> {
    // The body first: a malformed body is the client's first problem, whatever the key.
    const update = updateRoleBody.parse(body);
    return this.roles.replace(scope, caller, roleFrom(roleKey(key), update), audit);
  }

  @Delete(':key')
  @HttpCode(204)
  @RequirePermission('role:manage')
  @ApiOperation({ summary: 'Delete a custom role nobody holds and no role extends' })
  @ApiParam({ name: 'key' })
  @ApiResponse({ status: 204, description: 'deleted' })
  @ApiErrorResponses(403, 404, 409)
  async delete(
    @CurrentTenant() scope: TenantScope,
    @RequestAudit() audit: AuditContext,
    @Param('key') key: string,
  ): Promise<void> {
    await this.roles.delete(scope, roleKey(key), audit);
  }
}
