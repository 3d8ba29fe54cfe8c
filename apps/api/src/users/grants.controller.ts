import { Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
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
  createGrantBody,
  grantListQuery,
  grantListSchema,
  grantViewSchema,
  type GrantView,
} from './grants.dto';
import { GrantsService } from './grants.service';
import { malformedGrantId } from './users.errors';

@ApiTags('grants')
@Controller('v1/grants')
export class GrantsController {
  constructor(private readonly grants: GrantsService) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('role:manage')
  @ApiOperation({ summary: 'Allow one permission on one workflow or run to a user or API key' })
  @ApiBody({ schema: createGrantBody.schema })
  @ApiResponse({ status: 201, schema: grantViewSchema })
  @ApiErrorResponses(400, 403, 404, 409)
  create(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() caller: Principal,
    @RequestAudit() audit: AuditContext,
    @JsonBody() body: unknown,
  ): Promise<GrantView> {
    return this.grants.create(scope, caller, createGrantBody.parse(body), audit);
  }

  @Get()
  @RequirePermission('role:manage')
  @ApiOperation({ summary: "The tenant's grants, optionally of one principal or on one resource" })
  @ApiQuery({ name: 'principalId', required: false })
  @ApiQuery({ name: 'resourceId', required: false })
  @ApiResponse({ status: 200, schema: grantListSchema })
  @ApiErrorResponses(400, 403)
  async list(@CurrentTenant() scope: TenantScope, @Query() query: unknown): Promise<{ items: GrantView[] }> {
    return { items: await this.grants.list(scope, grantListQuery.parse(query)) };
  }

  @Delete(':grantId')
  @HttpCode(204)
  @RequirePermission('role:manage')
  @ApiOperation({ summary: 'Revoke a grant' })
  @ApiParam({ name: 'grantId', format: 'uuid' })
  @ApiResponse({ status: 204, description: 'revoked' })
  @ApiErrorResponses(403, 404)
  async delete(
    @CurrentTenant() scope: TenantScope,
    @RequestAudit() audit: AuditContext,
    @UuidParam('grantId', malformedGrantId) grantId: string,
  ): Promise<void> {
    await this.grants.delete(scope, grantId, audit);
  }
}
