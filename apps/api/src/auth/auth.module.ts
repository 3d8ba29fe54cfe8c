import { Global, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import type { KeyProvider } from '@warden/crypto';
import {
  AccessTokenService,
  dummyPasswordHash,
  resolveIdentityConfig,
  SigningKeyRing,
  systemClock,
} from '@warden/identity';
import { SigningKeyRepository } from '@warden/persistence';
import { DataSource } from 'typeorm';
import { ApiConfig } from '../config/api.config';
import { KEY_PROVIDER } from '../crypto/configured-key-provider';
import { AccessGuard } from './access.guard';
import { AccessTokenStrategy, ApiKeyStrategy } from './bearer.strategies';
import { IdentityDirectory } from './identity-directory';
import { PostgresIdentityDirectory } from './postgres-identity-directory';
import { RequestRateLimiter } from './request-quota';
import { IdentitySettings, Sessions } from './sessions';
import { TenantPolicyCache } from './tenant-policy';

/**
 * Work that would otherwise land on the first request: a signing key, the dummy password hash.
 * Also the one-off upgrade of signing keys stored before they were sealed; an instance that does
 * not hold the master key the keys are wrapped with fails here, at start.
 */
@Injectable()
class IdentityWarmUp implements OnModuleInit {
  constructor(
    private readonly ring: SigningKeyRing,
    private readonly keys: SigningKeyRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.keys.sealPlaintextKeys();
    await this.ring.ensureActiveKey();
    // Sign-in with an unknown email verifies against this hash; computing it at boot keeps the
    // first such request from taking measurably longer (a timing signal).
    await dummyPasswordHash();
  }
}

/**
 * Authentication and authorization for every route: the token services, the passport
 * strategies, and the global AccessGuard (registered as APP_GUARD by AppModule).
 */
@Global()
@Module({
  providers: [
    {
      provide: IdentitySettings,
      useFactory: (config: ApiConfig) =>
        new IdentitySettings(
          resolveIdentityConfig({ issuer: config.tokenIssuer, audience: config.tokenAudience }),
          systemClock,
        ),
      inject: [ApiConfig],
    },
    {
      provide: SigningKeyRepository,
      useFactory: (dataSource: DataSource, provider: KeyProvider) =>
        new SigningKeyRepository(dataSource, provider),
      inject: [DataSource, KEY_PROVIDER],
    },
    {
      provide: SigningKeyRing,
      useFactory: (keys: SigningKeyRepository, settings: IdentitySettings) =>
        new SigningKeyRing(keys, settings.config, settings.clock),
      inject: [SigningKeyRepository, IdentitySettings],
    },
    {
      provide: AccessTokenService,
      useFactory: (ring: SigningKeyRing, settings: IdentitySettings) =>
        new AccessTokenService(ring, settings.config, settings.clock),
      inject: [SigningKeyRing, IdentitySettings],
    },
    { provide: IdentityDirectory, useClass: PostgresIdentityDirectory },
    { provide: RequestRateLimiter, useFactory: () => new RequestRateLimiter() },
    Sessions,
    TenantPolicyCache,
    AccessTokenStrategy,
    ApiKeyStrategy,
    AccessGuard,
    IdentityWarmUp,
  ],
  exports: [
    TenantPolicyCache,
    IdentitySettings,
    SigningKeyRepository,
    SigningKeyRing,
    AccessTokenService,
    IdentityDirectory,
    Sessions,
    AccessGuard,
  ],
})
export class AuthModule {}
