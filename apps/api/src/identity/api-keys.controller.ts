import { Controller, Delete, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current.decorators';
import { RequirePermission } from '../auth/permissions';
import type { ProblemDetail } from '../http/api-error';
import { ApiErrorResponses } from '../http/openapi.decorators';
import type { Principal } from '../http/request-context';
import { JsonBody } from '../http/request-body';
import { UuidParam } from '../http/uuid-param';
import {
  apiKeyCreatedSchema,
  apiKeyListSchema,
  apiKeyRotatedSchema,
  createApiKeyBody,
  rotateApiKeyBody,
  type ApiKeySummary,
  type ApiKeyWithSecret,
  type RotatedApiKey,
} from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';
import { CredentialError } from './identity.errors';
import { Origin, type RequestOrigin } from './request-origin';

function malformedApiKeyId(problem: ProblemDetail): CredentialError {
  return new CredentialError(
    'api_key_not_found',
    `no API key has this id: ${problem.path} ${problem.message}`,
    {
      problems: [problem],
    },
  );
}

@ApiTags('api-keys')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @RequirePermission('apikey:manage')
  @ApiOperation({ summary: 'Create an API key acting as the caller, limited to the listed permissions' })
  @ApiBody({ schema: createApiKeyBody.schema })
  @ApiResponse({ status: 201, schema: apiKeyCreatedSchema })
  @ApiErrorResponses(400, 403)
  create(
    @CurrentPrincipal() principal: Principal,
    @JsonBody() body: unknown,
    @Origin() origin: RequestOrigin,
  ): Promise<ApiKeyWithSecret> {
    return this.apiKeys.create(principal, createApiKeyBody.parse(body), origin);
  }

  @Get()
  @RequirePermission('apikey:manage')
  @ApiOperation({ summary: "The caller's API keys (metadata only)" })
  @ApiResponse({ status: 200, schema: apiKeyListSchema })
  async list(@CurrentPrincipal() principal: Principal): Promise<{ items: ApiKeySummary[] }> {
    return { items: await this.apiKeys.list(principal) };
  }

  @Post(':apiKeyId/rotate')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @RequirePermission('apikey:manage')
  @ApiOperation({ summary: 'A new secret for one of your keys; the old one works for graceSeconds' })
  @ApiParam({ name: 'apiKeyId', format: 'uuid' })
  @ApiBody({ schema: rotateApiKeyBody.schema, required: false })
  @ApiResponse({ status: 200, schema: apiKeyRotatedSchema })
  @ApiErrorResponses(400, 403, 404, 409)
  rotate(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('apiKeyId', malformedApiKeyId) apiKeyId: string,
    @JsonBody() body: unknown,
    @Origin() origin: RequestOrigin,
  ): Promise<RotatedApiKey> {
    // No body means the defaults; `null` is a body, and a wrong one.
    const { graceSeconds = 0 } = rotateApiKeyBody.parse(body === undefined ? {} : body);
    return this.apiKeys.rotate(principal, apiKeyId, graceSeconds, origin);
  }

  @Delete(':apiKeyId')
  @HttpCode(204)
  @RequirePermission('apikey:manage')
  @ApiOperation({ summary: 'Revoke an API key of this tenant (at once, for good)' })
  @ApiParam({ name: 'apiKeyId', format: 'uuid' })
  @ApiResponse({ status: 204, description: 'revoked (or already was)' })
  @ApiErrorResponses(403, 404)
  revoke(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('apiKeyId', malformedApiKeyId) apiKeyId: string,
    @Origin() origin: RequestOrigin,
  ): Promise<void> {
    return this.apiKeys.revoke(principal, apiKeyId, origin);
  }
}
