import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequestAudit, type AuditContext } from '../audit/audit-context';
import { RequirePermission } from '../auth/permissions';
import { ApiErrorResponses } from '../http/openapi.decorators';
import { JsonBody } from '../http/request-body';
import { KeyRewrapService } from './key-rewrap.service';
import { keysRewrappedSchema, rewrapBody, type KeysRewrapped } from './keys.dto';

/** Keys of the whole installation: its operators (platform admins) only. */
@ApiTags('keys')
@Controller('v1/admin/keys')
export class AdminKeysController {
  constructor(private readonly rewrapping: KeyRewrapService) {}

  @Post('rewrap')
  @HttpCode(200)
  @RequirePermission('tenant:manage', { platformAdmin: true })
  @ApiOperation({
    summary: "Wrap every tenant's data keys under the current master key (after a master key rotation)",
  })
  @ApiBody({ schema: rewrapBody.schema, required: false })
  @ApiResponse({ status: 200, schema: keysRewrappedSchema })
  @ApiErrorResponses(400, 403, 415)
  rewrap(@JsonBody() body: unknown, @RequestAudit() audit: AuditContext): Promise<KeysRewrapped> {
    // No body at all means every tenant; `null` is a body, and a wrong one.
    return this.rewrapping.rewrap(rewrapBody.parse(body === undefined ? {} : body), audit);
  }
}
