import { Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { TenantScope } from '@warden/persistence';
import { RequestAudit, type AuditContext } from '../audit/audit-context';
import { CurrentTenant } from '../auth/current.decorators';
import { RequirePermission } from '../auth/permissions';
import { ApiErrorResponses } from '../http/openapi.decorators';
import { UuidParam } from '../http/uuid-param';
import { WorkflowSourceBody, YAML_MEDIA_TYPES, type WorkflowSource } from './workflow-source';
import {
  validationResultSchema,
  versionListSchema,
  workflowBodySchema,
  workflowDetailSchema,
  workflowListQuery,
  workflowListSchema,
  workflowWrittenSchema,
  type ValidationResult,
  type VersionSummary,
  type WorkflowDetail,
  type WorkflowSummary,
  type WorkflowWritten,
} from './workflows.dto';
import { malformedWorkflowId } from './workflows.errors';
import { WorkflowsService } from './workflows.service';

const CONSUMES = ['application/yaml', 'application/json', ...YAML_MEDIA_TYPES.slice(1)];

@ApiTags('workflows')
@Controller('v1/workflows')
export class WorkflowsController {
  constructor(private readonly workflows: WorkflowsService) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('workflow:create')
  @ApiOperation({ summary: 'Register a workflow (version 1)' })
  @ApiConsumes(...CONSUMES)
  @ApiBody({ schema: workflowBodySchema })
  @ApiResponse({ status: 201, schema: workflowWrittenSchema })
  @ApiErrorResponses(400, 409, 413, 415)
  create(
    @CurrentTenant() scope: TenantScope,
    @WorkflowSourceBody() source: WorkflowSource,
    @RequestAudit() audit: AuditContext,
  ): Promise<WorkflowWritten> {
    return this.workflows.create(scope, source, audit);
  }

  @Post('validate')
  @HttpCode(200)
  @RequirePermission('workflow:read')
  @ApiOperation({
    summary: 'Validate a definition without storing it',
    description: "Plugin steps are resolved against the tenant's registry as saving would resolve them.",
  })
  @ApiConsumes(...CONSUMES)
  @ApiBody({ schema: workflowBodySchema })
  @ApiResponse({ status: 200, schema: validationResultSchema })
  @ApiErrorResponses(400, 413, 415)
  validate(
    @CurrentTenant() scope: TenantScope,
    @WorkflowSourceBody() source: WorkflowSource,
  ): Promise<ValidationResult> {
    return this.workflows.validate(scope, source);
  }

  @Get()
  @RequirePermission('workflow:read')
  @ApiOperation({ summary: 'List workflows' })
  @ApiQuery({ name: 'name', required: false, description: 'exact name' })
  @ApiResponse({ status: 200, schema: workflowListSchema })
  @ApiErrorResponses(400)
  async list(
    @CurrentTenant() scope: TenantScope,
    @Query() query: unknown,
  ): Promise<{ items: WorkflowSummary[] }> {
    return { items: await this.workflows.list(scope, workflowListQuery.parse(query)) };
  }

  @Get(':workflowId')
  @RequirePermission('workflow:read', { resourceParam: 'workflowId' })
  @ApiOperation({ summary: 'A workflow with its current version' })
  @ApiParam({ name: 'workflowId', format: 'uuid' })
  @ApiResponse({ status: 200, schema: workflowDetailSchema })
  @ApiErrorResponses(404)
  get(
    @CurrentTenant() scope: TenantScope,
    @UuidParam('workflowId', malformedWorkflowId) workflowId: string,
  ): Promise<WorkflowDetail> {
    return this.workflows.get(scope, workflowId);
  }

  @Get(':workflowId/versions')
  @RequirePermission('workflow:read', { resourceParam: 'workflowId' })
  @ApiOperation({ summary: 'All versions of a workflow, newest first' })
  @ApiParam({ name: 'workflowId', format: 'uuid' })
  @ApiResponse({ status: 200, schema: versionListSchema })
  @ApiErrorResponses(404)
  async versions(
    @CurrentTenant() scope: TenantScope,
    @UuidParam('workflowId', malformedWorkflowId) workflowId: string,
  ): Promise<{ items: VersionSummary[] }> {
    return { items: await this.workflows.versions(scope, workflowId) };
  }

  @Put(':workflowId')
  @HttpCode(200)
  @RequirePermission('workflow:update', { resourceParam: 'workflowId' })
  @ApiOperation({ summary: 'Add a new immutable version (no-op when the source is unchanged)' })
  @ApiParam({ name: 'workflowId', format: 'uuid' })
  @ApiConsumes(...CONSUMES)
  @ApiBody({ schema: workflowBodySchema })
  @ApiResponse({ status: 200, schema: workflowWrittenSchema })
  @ApiErrorResponses(400, 404, 409, 413, 415)
  update(
    @CurrentTenant() scope: TenantScope,
    @UuidParam('workflowId', malformedWorkflowId) workflowId: string,
    @WorkflowSourceBody() source: WorkflowSource,
    @RequestAudit() audit: AuditContext,
  ): Promise<WorkflowWritten> {
    return this.workflows.update(scope, workflowId, source, audit);
  }
}
