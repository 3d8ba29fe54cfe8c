import type { ServerResponse } from 'node:http';
import { Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { TenantScope } from '@warden/persistence';
import { RequestAudit, type AuditContext } from '../audit/audit-context';
import { CurrentPrincipal, CurrentTenant } from '../auth/current.decorators';
import { RequirePermission } from '../auth/permissions';
import { ApiErrorResponses } from '../http/openapi.decorators';
import { replyJson } from '../http/reply';
import { JsonBody } from '../http/request-body';
import { UuidParam } from '../http/uuid-param';
import type { Principal } from '../http/request-context';
import { malformedWorkflowId } from '../workflows/workflows.errors';
import { RunControlService, type ApprovalAccepted, type CancelAccepted } from './run-control.service';
import {
  approvalAcceptedSchema,
  approvalBody,
  cancelAcceptedSchema,
  dryRunSchema,
  idempotencyKeyHeader,
  runListQuery,
  runListSchema,
  runStartedSchema,
  runViewSchema,
  startRunBody,
  type RunSummary,
  type RunView,
} from './runs.dto';
import { malformedRunId } from './runs.errors';
import { RunsService } from './runs.service';

@ApiTags('runs')
@Controller('v1')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly control: RunControlService,
  ) {}

  @Post('workflows/:workflowId/runs')
  @RequirePermission('workflow:execute', { resourceParam: 'workflowId' })
  @ApiOperation({ summary: 'Start a run (202), or plan it with dryRun (200)' })
  @ApiParam({ name: 'workflowId', format: 'uuid' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'the same key returns the same run' })
  @ApiBody({ schema: startRunBody.schema })
  @ApiResponse({ status: 202, description: 'run started', schema: runStartedSchema })
  @ApiResponse({ status: 200, description: 'dry run: the plan', schema: dryRunSchema })
  @ApiErrorResponses(400, 404, 409, 503)
  async start(
    @CurrentTenant() scope: TenantScope,
    @UuidParam('workflowId', malformedWorkflowId) workflowId: string,
    @JsonBody() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @RequestAudit() audit: AuditContext,
    @Res() response: ServerResponse,
  ): Promise<void> {
    const key = idempotencyKey === undefined ? undefined : idempotencyKeyHeader.parse(idempotencyKey);
    // No body at all means "defaults"; `null` is a body, and a wrong one.
    const request = startRunBody.parse(body === undefined ? {} : body);
    const outcome = await this.runs.start(scope, workflowId, request, key, audit);
    replyJson(response, outcome.kind === 'plan' ? 200 : 202, outcome.body);
  }

  @Get('runs')
  @RequirePermission('run:read')
  @ApiOperation({ summary: 'List runs, newest first' })
  @ApiQuery({ name: 'workflowId', required: false })
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1..100, default 50' })
  @ApiResponse({ status: 200, schema: runListSchema })
  @ApiErrorResponses(400)
  async list(@CurrentTenant() scope: TenantScope, @Query() query: unknown): Promise<{ items: RunSummary[] }> {
    return { items: await this.runs.list(scope, runListQuery.parse(query)) };
  }

  @Get('runs/:runId')
  @RequirePermission('run:read', { resourceParam: 'runId' })
  @ApiOperation({ summary: 'A run: status, every step’s state, outputs, errors and timing' })
  @ApiParam({ name: 'runId', format: 'uuid' })
  @ApiResponse({ status: 200, schema: runViewSchema })
  @ApiErrorResponses(404, 503)
  get(
    @CurrentTenant() scope: TenantScope,
    @UuidParam('runId', malformedRunId) runId: string,
  ): Promise<RunView> {
    return this.runs.get(scope, runId);
  }

  @Post('runs/:runId/cancel')
  @HttpCode(202)
  @RequirePermission('run:cancel', { resourceParam: 'runId' })
  @ApiOperation({ summary: 'Ask a running run to stop' })
  @ApiParam({ name: 'runId', format: 'uuid' })
  @ApiResponse({ status: 202, schema: cancelAcceptedSchema })
  @ApiErrorResponses(404, 409, 503)
  cancel(
    @CurrentTenant() scope: TenantScope,
    @UuidParam('runId', malformedRunId) runId: string,
    @RequestAudit() audit: AuditContext,
  ): Promise<CancelAccepted> {
    return this.control.cancel(scope, runId, audit);
  }

  @Post('runs/:runId/approvals')
  @HttpCode(202)
  @RequirePermission('run:approve', { resourceParam: 'runId' })
  @ApiOperation({ summary: 'Approve or reject a step waiting for a decision' })
  @ApiParam({ name: 'runId', format: 'uuid' })
  @ApiBody({ schema: approvalBody.schema })
  @ApiResponse({ status: 202, schema: approvalAcceptedSchema })
  @ApiErrorResponses(400, 403, 404, 409, 503)
  approve(
    @CurrentTenant() scope: TenantScope,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('runId', malformedRunId) runId: string,
    @JsonBody() body: unknown,
    @RequestAudit() audit: AuditContext,
  ): Promise<ApprovalAccepted> {
    return this.control.approve(scope, principal, runId, approvalBody.parse(body), audit);
  }
}
