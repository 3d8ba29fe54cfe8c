import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { RunControlService } from './run-control.service';
import { RunEngine } from './run-engine';
import { RunQuotas } from './run-quotas';
import { RunStateMirror } from './run-state-mirror';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';
import { TemporalRunEngine } from './temporal-run-engine';

@Module({
  imports: [WorkflowsModule, AuditModule],
  controllers: [RunsController],
  providers: [
    RunsService,
    RunControlService,
    RunStateMirror,
    RunQuotas,
    { provide: RunEngine, useClass: TemporalRunEngine },
  ],
})
export class RunsModule {}
