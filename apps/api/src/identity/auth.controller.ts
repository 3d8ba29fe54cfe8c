import { Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current.decorators';
import { Authenticated, Public } from '../auth/permissions';
import { ApiErrorResponses } from '../http/openapi.decorators';
import type { Principal } from '../http/request-context';
import { JsonBody } from '../http/request-body';
import {
  loginBody,
  loginResultSchema,
  meSchema,
  refreshBody,
  tokenPairSchema,
  type LoginResult,
  type Me,
  type TokenPair,
} from './auth.dto';
import { Origin, type RequestOrigin } from './request-origin';
import { SessionService } from './session.service';
import { SignInService } from './sign-in.service';

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly signIn: SignInService,
    private readonly sessions: SessionService,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Public('signing in is how a caller gets a token')
  @ApiOperation({ summary: 'Sign in with a password (and a TOTP or recovery code when MFA is on)' })
  @ApiBody({ schema: loginBody.schema })
  @ApiResponse({ status: 200, schema: loginResultSchema })
  @ApiErrorResponses(400, 401, 429)
  login(@JsonBody() body: unknown, @Origin() origin: RequestOrigin): Promise<LoginResult> {
    return this.signIn.login(loginBody.parse(body), origin);
  }

  @Post('refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Public('the access token may have expired; the refresh token is the credential')
  @ApiOperation({ summary: 'Trade a refresh token for a new pair (each refresh token works once)' })
  @ApiBody({ schema: refreshBody.schema })
  @ApiResponse({ status: 200, schema: tokenPairSchema })
  @ApiErrorResponses(400, 401)
  refresh(@JsonBody() body: unknown, @Origin() origin: RequestOrigin): Promise<TokenPair> {
    return this.sessions.refresh(refreshBody.parse(body).refreshToken, origin);
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated("signing out ends only the caller's own session")
  @ApiOperation({ summary: "Sign out: revoke this session's refresh tokens and access tokens" })
  @ApiResponse({ status: 204, description: 'signed out' })
  @ApiErrorResponses(401, 403)
  logout(@CurrentPrincipal() principal: Principal, @Origin() origin: RequestOrigin): Promise<void> {
    return this.sessions.logout(principal, origin);
  }

  @Get('me')
  @Authenticated('every caller may see who it is and what it may do')
  @ApiOperation({ summary: 'The caller: user, tenant, roles and effective permissions' })
  @ApiResponse({ status: 200, schema: meSchema })
  @ApiErrorResponses(401)
  me(@CurrentPrincipal() principal: Principal): Promise<Me> {
    return this.sessions.me(principal);
  }
}
