import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SigningKeyRing, type Jwks } from '@warden/identity';
import { Public } from '../auth/permissions';
import { jwksSchema } from './auth.dto';

/** Matches the ring's own cache: a rotated key reaches verifiers within minutes. */
const JWKS_MAX_AGE_SECONDS = 300;

@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly ring: SigningKeyRing) {}

  @Get('jwks.json')
  @Header('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
  @Public('public keys let other services verify our access tokens')
  @ApiOperation({ summary: 'The public keys that verify access tokens (RFC 7517)' })
  @ApiResponse({ status: 200, schema: jwksSchema })
  jwks(): Promise<Jwks> {
    return this.ring.jwks();
  }
}
