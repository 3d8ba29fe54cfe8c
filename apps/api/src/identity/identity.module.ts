import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth.controller';
import { CallerAuthority } from './caller-authority';
import { JwksController } from './jwks.controller';
import { LoginThrottle } from './login-throttle';
import { MfaController } from './mfa.controller';
import { MfaSecrets } from './mfa-secrets';
import { MfaService } from './mfa.service';
import { SessionService } from './session.service';
import { SignInService } from './sign-in.service';

/**
 * The routes a caller uses to get and manage credentials: sign-in, refresh and sign-out, TOTP,
 * API keys, and the public signing keys. Token verification itself is AuthModule's (global).
 */
@Module({
  controllers: [AuthController, MfaController, ApiKeysController, JwksController],
  providers: [
    SignInService,
    SessionService,
    MfaService,
    MfaSecrets,
    ApiKeysService,
    CallerAuthority,
    { provide: LoginThrottle, useFactory: () => new LoginThrottle() },
  ],
})
export class IdentityModule {}
