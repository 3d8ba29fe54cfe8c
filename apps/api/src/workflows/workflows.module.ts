import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { PluginsModule } from '../plugins/plugins.module';
import { WorkflowsController } from './workflows.controller';
import { WorkflowSecretsService } from './workflow-secrets.service';
import { WorkflowsService } from './workflows.service';

@Module({
  imports: [AuditModule, PluginsModule],
  controllers: [WorkflowsController],
  providers: [WorkflowsService, WorkflowSecretsService],
  exports: [WorkflowsService],
})
export class WorkflowsModule {}
