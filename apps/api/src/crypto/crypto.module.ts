import { Global, Module } from '@nestjs/common';
import { FieldCipher, KeyRing } from '@warden/crypto';
import { PostgresDataKeyStore } from '@warden/persistence';
import { DataSource } from 'typeorm';
import { ApiConfig } from '../config/api.config';
import { ConfiguredKeyProvider, KEY_PROVIDER } from './configured-key-provider';

/**
 * The API's keys: one KeyRing (tenants' data keys from tenant_data_keys, unwrapped by the
 * configured provider and cached per WARDEN_DATA_KEY_CACHE_TTL_MS) and the FieldCipher over it,
 * injectable everywhere by their classes. The provider itself under KEY_PROVIDER.
 */
@Global()
@Module({
  providers: [
    ConfiguredKeyProvider,
    { provide: KEY_PROVIDER, useExisting: ConfiguredKeyProvider },
    {
      provide: PostgresDataKeyStore,
      useFactory: (dataSource: DataSource) => new PostgresDataKeyStore(dataSource),
      inject: [DataSource],
    },
    {
      provide: KeyRing,
      useFactory: (provider: ConfiguredKeyProvider, store: PostgresDataKeyStore, config: ApiConfig) =>
        new KeyRing({ provider, store, cacheTtlMs: config.crypto.dataKeyCacheTtlMs }),
      inject: [ConfiguredKeyProvider, PostgresDataKeyStore, ApiConfig],
    },
    { provide: FieldCipher, useFactory: (ring: KeyRing) => new FieldCipher(ring), inject: [KeyRing] },
  ],
  exports: [KEY_PROVIDER, KeyRing, FieldCipher, PostgresDataKeyStore],
})
export class CryptoModule {}
