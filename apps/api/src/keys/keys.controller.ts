import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { TenantScope } from '@warden/persistence';
import { RequestAudit, type AuditContext } from '../audit/audit-context';
import { CurrentTenant } from '../auth/current.decorators';
import { RequirePermission } from '../auth/permissions';
import { ApiErrorResponses } from '../http/openapi.decorators';
import { JsonBody } from '../http/request-body';
import { JobIdParam, KeyVersionParam } from './key-params';
import {
  destroyKeyBody,
  keyDestroyedSchema,
  keyJobSchema,
  keyListSchema,
  keyRotatedSchema,
  rotateKeyBody,
  shredBody,
  tenantShreddedSchema,
  type KeyDestroyed,
  type KeyJobView,
  type KeyRotated,
  type KeyVersionView,
  type TenantShredded,
} from './keys.dto';
import { KeysService } from './keys.service';

/** The caller's tenant's data keys: the tenant's Owners manage them (tenant:manage). */
@ApiTags('keys')
@Controller('v1/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Get()
  @RequirePermission('tenant:manage')
  @ApiOperation({ summary: "The tenant's data key versions and how many stored values each still protects" })
  @ApiResponse({ status: 200, schema: keyListSchema })
  async list(@CurrentTenant() scope: TenantScope): Promise<{ items: KeyVersionView[] }> {
    return { items: await this.keys.list(scope) };
  }

  @Post('rotate')
  @HttpCode(202)
  @RequirePermission('tenant:manage')
  @ApiOperation({
    summary: 'Rotate the tenant key: new writes use a new version; a job moves older ciphertext to it',
  })
  @ApiBody({ schema: rotateKeyBody.schema, required: false })
  @ApiResponse({ status: 202, schema: keyRotatedSchema })
  @ApiErrorResponses(400, 415, 503)
  rotate(
    @CurrentTenant() scope: TenantScope,
    @JsonBody() body: unknown,
    @RequestAudit() audit: AuditContext,
  ): Promise<KeyRotated> {
    // No body at all means "nothing to say"; `null` is a body, and a wrong one.
    rotateKeyBody.parse(body === undefined ? {} : body);
    return this.keys.rotate(scope, audit);
  }

  @Get('jobs/:jobId')
  @RequirePermission('tenant:manage')
  @ApiOperation({ summary: "A re-encryption job's progress, then its result" })
  @ApiParam({ name: 'jobId', example: 'reencrypt-<tenantId>-v2' })
  @ApiResponse({ status: 200, schema: keyJobSchema })
  @ApiErrorResponses(400, 404, 503)
  job(@CurrentTenant() scope: TenantScope, @JobIdParam() jobId: string): Promise<KeyJobView> {
    return this.keys.job(scope, jobId);
  }

  @Post(':keyVersion/destroy')
  @HttpCode(200)
  @RequirePermission('tenant:manage')
  @ApiOperation({
    summary:
      'Destroy one key version once nothing uses it (409 key_in_use otherwise, unless force: crypto-shredding)',
  })
  @ApiParam({ name: 'keyVersion', schema: { type: 'integer', minimum: 1 } })
  @ApiBody({ schema: destroyKeyBody.schema, required: false })
  @ApiResponse({ status: 200, schema: keyDestroyedSchema })
  @ApiErrorResponses(400, 404, 409, 415, 503)
  destroy(
    @CurrentTenant() scope: TenantScope,
    @KeyVersionParam() version: number,
    @JsonBody() body: unknown,
    @RequestAudit() audit: AuditContext,
  ): Promise<KeyDestroyed> {
    const request = destroyKeyBody.parse(body === undefined ? {} : body);
    return this.keys.destroy(scope, version, request, audit);
  }

  @Delete()
  @HttpCode(200)
  @RequirePermission('tenant:manage')
  @ApiOperation({
    summary: 'Destroy every data key of the tenant (crypto-shredding): nothing they sealed opens again',
  })
  @ApiBody({ schema: shredBody.schema })
  @ApiResponse({ status: 200, schema: tenantShreddedSchema })
  @ApiErrorResponses(400, 415)
  shred(
    @CurrentTenant() scope: TenantScope,
    @JsonBody() body: unknown,
    @RequestAudit() audit: AuditContext,
  ): Promise<TenantShredded> {
    return this.keys.shred(scope, shredBody.parse(body), audit);
  }
}
