import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { TenantScope } from '@warden/persistence';
import { RequestAudit, type AuditContext } from '../audit/audit-context';
import { CurrentTenant } from '../auth/current.decorators';
import { RequirePermission } from '../auth/permissions';
import { ApiErrorResponses } from '../http/openapi.decorators';
import { JsonBody } from '../http/request-body';
import { KeyIdParam } from './plugin-params';
import { PluginTrustService } from './plugin-trust.service';
import { newKeyBody, publisherKeyListSchema, publisherKeySchema, type PublisherKeyView } from './plugins.dto';

/** The publisher keys whose signatures the tenant accepts (activation needs one). */
@ApiTags('plugins')
@Controller('v1/plugin-keys')
export class PluginKeysController {
  constructor(private readonly trust: PluginTrustService) {}

  @Get()
  @RequirePermission('plugin:read')
  @ApiOperation({ summary: 'Trusted publisher keys: the platform’s, then the tenant’s (revoked ones too)' })
  @ApiResponse({ status: 200, schema: publisherKeyListSchema })
  async list(@CurrentTenant() scope: TenantScope): Promise<{ items: PublisherKeyView[] }> {
    return { items: await this.trust.list(scope) };
  }

  @Post()
  @HttpCode(201)
  @RequirePermission('plugin:trust')
  @ApiOperation({ summary: 'Trust a publisher’s Ed25519 public key' })
  @ApiBody({ schema: newKeyBody.schema })
  @ApiResponse({ status: 201, schema: publisherKeySchema })
  @ApiErrorResponses(400, 409, 413, 415)
  add(
    @CurrentTenant() scope: TenantScope,
    @JsonBody() body: unknown,
    @RequestAudit() audit: AuditContext,
  ): Promise<PublisherKeyView> {
    return this.trust.add(scope, newKeyBody.parse(body), audit);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @RequirePermission('plugin:trust')
  @ApiOperation({ summary: 'Revoke a key: its signatures no longer activate anything' })
  @ApiParam({ name: 'keyId', description: 'e.g. pk_0123456789abcdef' })
  @ApiResponse({ status: 204, description: 'revoked (also when it was already)' })
  @ApiErrorResponses(400, 404)
  async revoke(
    @CurrentTenant() scope: TenantScope,
    @KeyIdParam() keyId: string,
    @RequestAudit() audit: AuditContext,
  ): Promise<void> {
    await this.trust.revoke(scope, keyId, audit);
  }
}
