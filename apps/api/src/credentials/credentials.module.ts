import { Module } from '@nestjs/common';
import { CredentialRepository } from '@warden/persistence';
import { DataSource } from 'typeorm';
import { AuditModule } from '../audit/audit.module';
import { CredentialsController } from './credentials.controller';
import { CredentialsService } from './credentials.service';

/** The credentials vault; its KeyRing and FieldCipher come from the global CryptoModule. */
@Module({
  imports: [AuditModule],
  controllers: [CredentialsController],
  providers: [
    {
      provide: CredentialRepository,
      useFactory: (dataSource: DataSource) => new CredentialRepository(dataSource),
      inject: [DataSource],
    },
    CredentialsService,
  ],
})
export class CredentialsModule {}
