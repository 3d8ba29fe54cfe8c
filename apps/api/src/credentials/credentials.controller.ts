import { Controller, Delete, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { CredentialUsage, TenantScope } from '@warden/persistence';
import { RequestAudit, type AuditContext } from '../audit/audit-context';
import { CurrentTenant } from '../auth/current.decorators';
import { RequirePermission } from '../auth/permissions';
import { ApiErrorResponses } from '../http/openapi.decorators';
import { JsonBody } from '../http/request-body';
import { UuidParam } from '../http/uuid-param';
import {
  createCredentialBody,
  credentialListQuery,
  credentialListSchema,
  credentialRotatedSchema,
  credentialUsageSchema,
  credentialViewSchema,
  rotateCredentialBody,
  updateCredentialBody,
  type CredentialRotated,
  type CredentialView,
} from './credentials.dto';
import { malformedCredentialId } from './credentials.errors';
import { CredentialsService } from './credentials.service';

const CREDENTIAL_ID = { name: 'credentialId', format: 'uuid' };

/** The credentials vault: values go in, only metadata comes out. */
@ApiTags('credentials')
@Controller('v1/credentials')
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('credential:create')
  @ApiOperation({ summary: 'Store a credential (its value is write-only)' })
  @ApiBody({ schema: createCredentialBody.schema })
  @ApiResponse({ status: 201, schema: credentialViewSchema })
  @ApiErrorResponses(400, 409, 413, 415, 503)
  create(
    @CurrentTenant() scope: TenantScope,
    @JsonBody() body: unknown,
    @RequestAudit() audit: AuditContext,
  ): Promise<CredentialView> {
    return this.credentials.create(scope, createCredentialBody.parse(body), audit);
  }

  @Get()
  @RequirePermission('credential:read-metadata')
  @ApiOperation({ summary: 'List credentials by name, a page at a time (metadata only)' })
  @ApiQuery({ name: 'limit', required: false, description: '1..100, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiResponse({ status: 200, schema: credentialListSchema })
  @ApiErrorResponses(400)
  list(
    @CurrentTenant() scope: TenantScope,
    @Query() query: unknown,
  ): Promise<{ items: CredentialView[]; nextCursor: string | null }> {
    const { limit, cursor } = credentialListQuery.parse(query);
    return this.credentials.list(scope, {
      limit: limit === undefined ? 50 : Number(limit),
      ...(cursor === undefined ? {} : { cursor }),
    });
  }

  @Get(':credentialId')
  @RequirePermission('credential:read-metadata', { resourceParam: 'credentialId' })
  @ApiOperation({ summary: "A credential's metadata and its value's field names, never the value" })
  @ApiParam(CREDENTIAL_ID)
  @ApiResponse({ status: 200, schema: credentialViewSchema })
  @ApiErrorResponses(404)
  get(
    @CurrentTenant() scope: TenantScope,
    @UuidParam('credentialId', malformedCredentialId) id: string,
  ): Promise<CredentialView> {
    return this.credentials.get(scope, id);
  }

  @Put(':credentialId')
  @HttpCode(200)
  @RequirePermission('credential:update', { resourceParam: 'credentialId' })
  @ApiOperation({
    summary: 'Change the description, or replace the value (older versions stop working at once)',
  })
  @ApiParam(CREDENTIAL_ID)
  @ApiBody({ schema: updateCredentialBody.schema })
  @ApiResponse({ status: 200, schema: credentialViewSchema })
  @ApiErrorResponses(400, 404, 409, 413, 415, 503)
  update(
    @CurrentTenant() scope: TenantScope,
    @UuidParam('credentialId', malformedCredentialId) id: string,
    @JsonBody() body: unknown,
    @RequestAudit() audit: AuditContext,
  ): Promise<CredentialView> {
    return this.credentials.update(scope, id, updateCredentialBody.parse(body), audit);
  }

  @Post(':credentialId/rotate')
  @HttpCode(200)
  @RequirePermission('credential:update', { resourceParam: 'credentialId' })
  @ApiOperation({ summary: 'Rotate the value; the previous one keeps working for a grace period' })
  @ApiParam(CREDENTIAL_ID)
  @ApiBody({ schema: rotateCredentialBody.schema })
  @ApiResponse({ status: 200, schema: credentialRotatedSchema })
  @ApiErrorResponses(400, 404, 409, 413, 415, 503)
  rotate(
    @CurrentTenant() scope: TenantScope,
    @UuidParam('credentialId', malformedCredentialId) id: string,
    @JsonBody() body: unknown,
    @RequestAudit() audit: AuditContext,
  ): Promise<CredentialRotated> {
    return this.credentials.rotate(scope, id, rotateCredentialBody.parse(body), audit);
  }

  @Delete(':credentialId')
  @HttpCode(204)
  @RequirePermission('credential:delete', { resourceParam: 'credentialId' })
  @ApiOperation({ summary: 'Delete a credential; steps naming it fail from now on' })
  @ApiParam(CREDENTIAL_ID)
  @ApiResponse({ status: 204, description: 'deleted' })
  @ApiErrorResponses(404)
  async delete(
    @CurrentTenant() scope: TenantScope,
    @UuidParam('credentialId', malformedCredentialId) id: string,
    @RequestAudit() audit: AuditContext,
  ): Promise<void> {
    await this.credentials.delete(scope, id, audit);
  }

  @Get(':credentialId/usage')
  @RequirePermission('credential:read-metadata', { resourceParam: 'credentialId' })
  @ApiOperation({ summary: "Steps of workflows' current versions that name the credential" })
  @ApiParam(CREDENTIAL_ID)
  @ApiResponse({ status: 200, schema: credentialUsageSchema })
  @ApiErrorResponses(404)
  async usage(
    @CurrentTenant() scope: TenantScope,
    @UuidParam('credentialId', malformedCredentialId) id: string,
  ): Promise<{ items: CredentialUsage[] }> {
    return { items: await this.credentials.usage(scope, id) };
  }
}
