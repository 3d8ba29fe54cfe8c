import { Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { WardenAbility } from '@warden/authz';
import type { CodecBodyJson } from '@warden/crypto';
import type { TenantScope } from '@warden/persistence';
import { CurrentAbility, CurrentTenant } from '../auth/current.decorators';
import { RequirePermission } from '../auth/permissions';
import { ApiErrorResponses } from '../http/openapi.decorators';
import { JsonBody } from '../http/request-body';
import { codecBody, codecResponseSchema, namespaceHeader } from './codec.dto';
import { CodecService } from './codec.service';

const namespaceParam = {
  name: 'X-Namespace',
  required: false,
  description: 'sent by the Temporal Web UI; the key id in each payload decides the tenant',
  schema: namespaceHeader.schema,
};

/** The header decides nothing, but one that cannot be a namespace is a client bug worth naming. */
function checkNamespace(value: string | undefined): void {
  if (value !== undefined) namespaceHeader.parse(value);
}

/** Temporal's remote codec protocol (https://docs.temporal.io/production-deployment/data-encryption). */
@ApiTags('codec')
@Controller('v1/codec')
export class CodecController {
  constructor(private readonly codec: CodecService) {}

  @Post('decode')
  @HttpCode(200)
  @RequirePermission('run:read')
  @ApiOperation({
    summary: 'Decrypt payloads for the Temporal Web UI: those of tenants whose runs the caller may read',
  })
  @ApiHeader(namespaceParam)
  @ApiBody({ schema: codecBody.schema })
  @ApiResponse({
    status: 200,
    description: 'the payloads in order; those the caller may not read come back unchanged',
    schema: codecResponseSchema,
  })
  @ApiErrorResponses(400, 413, 415)
  decode(
    @CurrentAbility() ability: WardenAbility,
    @Headers('x-namespace') namespace: string | undefined,
    @JsonBody() body: unknown,
  ): Promise<CodecBodyJson> {
    checkNamespace(namespace);
    return this.codec.decode(ability, codecBody.parse(body));
  }

  @Post('encode')
  @HttpCode(200)
  @RequirePermission('run:read')
  @ApiOperation({ summary: "Encrypt payloads with the caller's tenant key (input typed into the Web UI)" })
  @ApiHeader(namespaceParam)
  @ApiBody({ schema: codecBody.schema })
  @ApiResponse({ status: 200, schema: codecResponseSchema })
  @ApiErrorResponses(400, 413, 415)
  encode(
    @CurrentTenant() scope: TenantScope,
    @Headers('x-namespace') namespace: string | undefined,
    @JsonBody() body: unknown,
  ): Promise<CodecBodyJson> {
    checkNamespace(namespace);
    return this.codec.encode(scope, codecBody.parse(body));
  }
}
