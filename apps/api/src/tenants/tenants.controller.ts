import { Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequestAudit, type AuditContext } from '../audit/audit-context';
import { RequirePermission } from '../auth/permissions';
import { ApiErrorResponses } from '../http/openapi.decorators';
import { JsonBody } from '../http/request-body';
import { UuidParam } from '../http/uuid-param';
import {
  createTenantBody,
  tenantCreatedSchema,
  tenantListSchema,
  tenantViewSchema,
  updateTenantBody,
  type TenantCreated,
  type TenantView,
} from './tenants.dto';
import { malformedTenantId } from './tenants.errors';
import { TenantsService } from './tenants.service';

@ApiTags('tenants')
@Controller('v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('tenant:manage', { platformAdmin: true })
  @ApiOperation({
    summary: 'Create a tenant (platform admins); dedicated tenants get their Temporal namespace',
  })
  @ApiBody({ schema: createTenantBody.schema })
  @ApiResponse({ status: 201, schema: tenantCreatedSchema })
  @ApiErrorResponses(400, 403, 409, 503)
  create(@RequestAudit() audit: AuditContext, @JsonBody() body: unknown): Promise<TenantCreated> {
    return this.tenants.create(createTenantBody.parse(body), audit);
  }

  @Get()
  @RequirePermission('tenant:manage', { platformAdmin: true })
  @ApiOperation({ summary: 'Every tenant, by slug (platform admins)' })
  @ApiResponse({ status: 200, schema: tenantListSchema })
  @ApiErrorResponses(403)
  async list(): Promise<{ items: TenantView[] }> {
    return { items: await this.tenants.list() };
  }

  @Get(':tenantId')
  @RequirePermission('tenant:manage', { resourceParam: 'tenantId', platformAdmin: true })
  @ApiOperation({ summary: 'One tenant (platform admins)' })
  @ApiParam({ name: 'tenantId', format: 'uuid' })
  @ApiResponse({ status: 200, schema: tenantViewSchema })
  @ApiErrorResponses(403, 404)
  get(@UuidParam('tenantId', malformedTenantId) tenantId: string): Promise<TenantView> {
    return this.tenants.get(tenantId);
  }

  @Patch(':tenantId')
  @HttpCode(200)
  @RequirePermission('tenant:manage', { resourceParam: 'tenantId', platformAdmin: true })
  @ApiOperation({
    summary: "Change a tenant's name, quotas, security ceiling, MFA or plugin policy (platform admins)",
  })
  @ApiParam({ name: 'tenantId', format: 'uuid' })
  @ApiBody({ schema: updateTenantBody.schema })
  @ApiResponse({ status: 200, schema: tenantViewSchema })
  @ApiErrorResponses(400, 403, 404)
  update(
    @RequestAudit() audit: AuditContext,
    @UuidParam('tenantId', malformedTenantId) tenantId: string,
    @JsonBody() body: unknown,
  ): Promise<TenantView> {
    return this.tenants.update(tenantId, updateTenantBody.parse(body), audit);
  }
}
