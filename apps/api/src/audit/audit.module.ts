import { Module } from '@nestjs/common';
import { AuditTrail } from './audit-trail';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';

/** The audit trail: reading, verifying and exporting it, and AuditTrail for features that write to it. */
@Module({
  controllers: [AuditController],
  providers: [AuditService, AuditTrail],
  exports: [AuditTrail],
})
export class AuditModule {}
