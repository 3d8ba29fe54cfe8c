import type { ServerResponse } from 'node:http';
import { Controller, Delete, Get, Headers, HttpCode, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { PluginUsage, TenantScope } from '@warden/persistence';
import { RequestAudit, type AuditContext } from '../audit/audit-context';
import { CurrentTenant } from '../auth/current.decorators';
import { RequirePermission } from '../auth/permissions';
import { ApiErrorResponses } from '../http/openapi.decorators';
import { JsonBody } from '../http/request-body';
import { PluginIdParam, VersionParam } from './plugin-params';
import { PluginTestingService, type PluginTestResult } from './plugin-testing.service';
import {
  pluginCodeSchema,
  pluginDetailSchema,
  pluginListQuery,
  pluginListSchema,
  pluginWrittenSchema,
  statusBody,
  submissionBody,
  testBody,
  testResultSchema,
  usageSchema,
  versionListSchema,
  versionViewSchema,
  type PluginCode,
  type PluginDetail,
  type PluginSummary,
  type PluginVersionView,
  type PluginWritten,
} from './plugins.dto';
import { PluginsService } from './plugins.service';

const PLUGIN_ID = { name: 'pluginId', description: 'the manifest id, e.g. acme.slack-notify' };
const VERSION = { name: 'version', description: 'semver, e.g. 1.2.0' };

@ApiTags('plugins')
@Controller('v1/plugins')
export class PluginsController {
  constructor(
    private readonly plugins: PluginsService,
    private readonly testing: PluginTestingService,
  ) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('plugin:create')
  @ApiOperation({ summary: 'Register a plugin (its first version, DRAFT)' })
  @ApiBody({ schema: submissionBody.schema })
  @ApiResponse({ status: 201, schema: pluginWrittenSchema })
  @ApiErrorResponses(400, 409, 413, 415)
  register(
    @CurrentTenant() scope: TenantScope,
    @JsonBody() body: unknown,
    @RequestAudit() audit: AuditContext,
  ): Promise<PluginWritten> {
    return this.plugins.register(scope, submissionBody.parse(body), audit);
  }

  @Get()
  @RequirePermission('plugin:read')
  @ApiOperation({ summary: 'List plugins by id, a page at a time' })
  @ApiQuery({ name: 'limit', required: false, description: '1..100, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'status', required: false, description: 'status of the newest version' })
  @ApiResponse({ status: 200, schema: pluginListSchema })
  @ApiErrorResponses(400)
  list(
    @CurrentTenant() scope: TenantScope,
    @Query() query: unknown,
  ): Promise<{ items: PluginSummary[]; nextCursor: string | null }> {
    const { limit, cursor, status } = pluginListQuery.parse(query);
    return this.plugins.list(scope, {
      limit: limit === undefined ? 50 : Number(limit),
      ...(cursor === undefined ? {} : { cursor }),
      ...(status === undefined ? {} : { status }),
    });
  }

  @Get(':pluginId')
  @RequirePermission('plugin:read')
  @ApiOperation({ summary: 'A plugin with its newest version and manifest' })
  @ApiParam(PLUGIN_ID)
  @ApiResponse({ status: 200, schema: pluginDetailSchema })
  @ApiErrorResponses(400, 404)
  get(@CurrentTenant() scope: TenantScope, @PluginIdParam() pluginId: string): Promise<PluginDetail> {
    return this.plugins.get(scope, pluginId);
  }

  @Put(':pluginId')
  @HttpCode(201)
  @RequirePermission('plugin:update')
  @ApiOperation({ summary: 'Add a version (DRAFT); it must be higher than every earlier one' })
  @ApiParam(PLUGIN_ID)
  @ApiBody({ schema: submissionBody.schema })
  @ApiResponse({ status: 201, schema: pluginWrittenSchema })
  @ApiErrorResponses(400, 404, 409, 413, 415)
  addVersion(
    @CurrentTenant() scope: TenantScope,
    @PluginIdParam() pluginId: string,
    @JsonBody() body: unknown,
    @RequestAudit() audit: AuditContext,
  ): Promise<PluginWritten> {
    return this.plugins.addVersion(scope, pluginId, submissionBody.parse(body), audit);
  }

  @Delete(':pluginId')
  @HttpCode(204)
  @RequirePermission('plugin:delete')
  @ApiOperation({ summary: 'Delete a plugin that no current workflow version pins' })
  @ApiParam(PLUGIN_ID)
  @ApiResponse({ status: 204, description: 'deleted' })
  @ApiErrorResponses(400, 404, 409)
  async delete(
    @CurrentTenant() scope: TenantScope,
    @PluginIdParam() pluginId: string,
    @RequestAudit() audit: AuditContext,
  ): Promise<void> {
    await this.plugins.delete(scope, pluginId, audit);
  }

  @Get(':pluginId/versions')
  @RequirePermission('plugin:read')
  @ApiOperation({ summary: 'All versions, newest first' })
  @ApiParam(PLUGIN_ID)
  @ApiResponse({ status: 200, schema: versionListSchema })
  @ApiErrorResponses(400, 404)
  async versions(
    @CurrentTenant() scope: TenantScope,
    @PluginIdParam() pluginId: string,
  ): Promise<{ items: PluginVersionView[] }> {
    return { items: await this.plugins.versions(scope, pluginId) };
  }

  @Get(':pluginId/versions/:version/code')
  @RequirePermission('plugin:read')
  @ApiOperation({ summary: 'The source of one version, exactly as registered' })
  @ApiParam(PLUGIN_ID)
  @ApiParam(VERSION)
  @ApiResponse({ status: 200, schema: pluginCodeSchema })
  @ApiErrorResponses(400, 404)
  code(
    @CurrentTenant() scope: TenantScope,
    @PluginIdParam() pluginId: string,
    @VersionParam() version: string,
  ): Promise<PluginCode> {
    return this.plugins.code(scope, pluginId, version);
  }

  @Post(':pluginId/versions/:version/status')
  @HttpCode(200)
  @RequirePermission('plugin:publish')
  @ApiOperation({ summary: 'Publish (ACTIVE, needs a trusted signature) or deprecate a version' })
  @ApiParam(PLUGIN_ID)
  @ApiParam(VERSION)
  @ApiBody({ schema: statusBody.schema })
  @ApiResponse({ status: 200, schema: versionViewSchema })
  @ApiErrorResponses(400, 404, 409, 415)
  setStatus(
    @CurrentTenant() scope: TenantScope,
    @PluginIdParam() pluginId: string,
    @VersionParam() version: string,
    @JsonBody() body: unknown,
    @RequestAudit() audit: AuditContext,
  ): Promise<PluginVersionView> {
    return this.plugins.setStatus(scope, pluginId, version, statusBody.parse(body).status, audit);
  }

  @Post(':pluginId/test')
  @HttpCode(200)
  @RequirePermission('plugin:test')
  @ApiOperation({ summary: 'Run a version (DRAFT too) in the sandbox, without network' })
  @ApiParam(PLUGIN_ID)
  @ApiBody({ schema: testBody.schema })
  @ApiResponse({ status: 200, schema: testResultSchema })
  @ApiErrorResponses(400, 404, 415, 503)
  test(
    @CurrentTenant() scope: TenantScope,
    @PluginIdParam() pluginId: string,
    @JsonBody() body: unknown,
    @RequestAudit() audit: AuditContext,
  ): Promise<PluginTestResult> {
    return this.testing.test(scope, pluginId, testBody.parse(body), audit);
  }

  @Get(':pluginId/usage')
  @RequirePermission('plugin:read')
  @ApiOperation({ summary: 'Workflow versions pinning the plugin, current ones first' })
  @ApiParam(PLUGIN_ID)
  @ApiResponse({ status: 200, schema: usageSchema })
  @ApiErrorResponses(400, 404)
  async usage(
    @CurrentTenant() scope: TenantScope,
    @PluginIdParam() pluginId: string,
  ): Promise<{ items: PluginUsage[] }> {
    return { items: await this.plugins.usage(scope, pluginId) };
  }

  @Get(':pluginId/docs')
  @RequirePermission('plugin:read')
  @ApiOperation({ summary: 'Docs of the newest version: Markdown, or HTML with Accept: text/html' })
  @ApiParam(PLUGIN_ID)
  @ApiProduces('text/markdown', 'text/html')
  @ApiResponse({ status: 200, description: 'the docs' })
  @ApiErrorResponses(400, 404)
  async docs(
    @CurrentTenant() scope: TenantScope,
    @PluginIdParam() pluginId: string,
    @Headers('accept') accept: string | undefined,
    @Res() response: ServerResponse,
  ): Promise<void> {
    const html = /\btext\/html\b/i.test(accept ?? '');
    const text = await this.plugins.docs(scope, pluginId, html ? 'html' : 'markdown');
    response.statusCode = 200;
    response.setHeader('Content-Type', `${html ? 'text/html' : 'text/markdown'}; charset=utf-8`);
    // Tenant text: escaped by the renderer, and the page may run nothing even if it were not.
    response.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Content-Length', Buffer.byteLength(text));
    response.end(text);
  }
}
