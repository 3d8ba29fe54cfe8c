import { Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current.decorators';
import { Authenticated } from '../auth/permissions';
import { ApiErrorResponses } from '../http/openapi.decorators';
import type { Principal } from '../http/request-context';
import { JsonBody } from '../http/request-body';
import {
  mfaCodeBody,
  mfaDisabledSchema,
  mfaEnabledSchema,
  totpEnrollmentSchema,
  type MfaDisabled,
  type MfaEnabled,
  type TotpEnrollment,
} from './mfa.dto';
import { MfaService } from './mfa.service';
import { Origin, type RequestOrigin } from './request-origin';

const OWN_MFA = 'a person manages the second factor of their own account only';

@ApiTags('auth')
@Controller('v1/auth/mfa/totp')
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Post('enroll')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Authenticated(OWN_MFA)
  @ApiOperation({ summary: 'Start TOTP enrollment: a new secret, pending until verified' })
  @ApiResponse({ status: 200, schema: totpEnrollmentSchema })
  @ApiErrorResponses(401, 403, 409)
  enroll(@CurrentPrincipal() principal: Principal, @Origin() origin: RequestOrigin): Promise<TotpEnrollment> {
    return this.mfa.enroll(principal, origin);
  }

  @Post('verify')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Authenticated(OWN_MFA)
  @ApiOperation({
    summary: 'Confirm enrollment with a current code: MFA is on; recovery codes are shown once',
  })
  @ApiBody({ schema: mfaCodeBody.schema })
  @ApiResponse({ status: 200, schema: mfaEnabledSchema })
  @ApiErrorResponses(400, 401, 403, 409)
  verify(
    @CurrentPrincipal() principal: Principal,
    @JsonBody() body: unknown,
    @Origin() origin: RequestOrigin,
  ): Promise<MfaEnabled> {
    return this.mfa.verify(principal, mfaCodeBody.parse(body).code, origin);
  }

  @Post('disable')
  @HttpCode(200)
  @Authenticated(OWN_MFA)
  @ApiOperation({ summary: 'Turn TOTP off (needs a current code); recovery codes are discarded' })
  @ApiBody({ schema: mfaCodeBody.schema })
  @ApiResponse({ status: 200, schema: mfaDisabledSchema })
  @ApiErrorResponses(400, 401, 403, 409)
  disable(
    @CurrentPrincipal() principal: Principal,
    @JsonBody() body: unknown,
    @Origin() origin: RequestOrigin,
  ): Promise<MfaDisabled> {
    return this.mfa.disable(principal, mfaCodeBody.parse(body).code, origin);
  }
}
