import { Module } from '@nestjs/common';
import { EncryptedFieldRepository } from '@warden/persistence';
import { DataSource } from 'typeorm';
import { AuditModule } from '../audit/audit.module';
import { AdminKeysController } from './admin-keys.controller';
import { KeyChanges } from './key-changes';
import { KeyJobs } from './key-jobs';
import { KeyRewrapService } from './key-rewrap.service';
import { KeysController } from './keys.controller';
import { KeysService } from './keys.service';

/**
 * Data key rotation, the re-encryption job, crypto-shredding and master key rewrap. The key
 * ring and store come from the global CryptoModule, the tenants' Temporal clients from the
 * TemporalModule.
 */
@Module({
  imports: [AuditModule],
  controllers: [KeysController, AdminKeysController],
  providers: [
    {
      provide: EncryptedFieldRepository,
      useFactory: (dataSource: DataSource) => new EncryptedFieldRepository(dataSource),
      inject: [DataSource],
    },
    KeyChanges,
    KeyJobs,
    KeysService,
    KeyRewrapService,
  ],
})
export class KeysModule {}
