import type { RunStatus, SecurityProfile } from '@warden/definition';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Unique,
} from 'typeorm';
import { TenantEntity } from './tenant.entity';
import { WorkflowEntity } from './workflow.entity';

/** What the API knows about a run error without asking Temporal. */
export interface RunErrorRecord {
  code: string;
  message: string;
  stepId?: string;
}

/**
 * The control plane's record of a run. Temporal's history is the source of truth while a run
 * is active; the terminal status and result are mirrored here so lists and audits do not
 * depend on Temporal's retention.
 */
@Entity({ name: 'runs' })
@Unique('uq_runs_tenant_idempotency_key', ['tenantId', 'idempotencyKey'])
@Index('idx_runs_tenant_workflow', ['tenantId', 'workflowId', 'createdAt'])
@Index('idx_runs_tenant_status', ['tenantId', 'status'])
@Check(
  'ck_runs_status',
  `"status" IN ('pending', 'running', 'waiting_approval', 'succeeded', 'failed', 'cancelled')`,
)
@Check('ck_runs_profile', `"profile" IN ('plan_only', 'restricted', 'standard', 'elevated')`)
export class RunEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_runs' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_runs_tenant' })
  tenant?: TenantEntity;

  @Column({ name: 'workflow_id', type: 'uuid' })
  workflowId!: string;

  @ManyToOne(() => WorkflowEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'workflow_id', foreignKeyConstraintName: 'fk_runs_workflow' })
  workflow?: WorkflowEntity;

  @Column({ name: 'workflow_version', type: 'integer' })
  workflowVersion!: number;

  @Column({ type: 'text' })
  status!: RunStatus;

  @Column({ type: 'jsonb' })
  inputs!: Record<string, unknown>;

  @Column({ type: 'text' })
  profile!: SecurityProfile;

  @Column({ name: 'temporal_workflow_id', type: 'text' })
  temporalWorkflowId!: string;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  result!: object | null;

  @Column({ type: 'jsonb', nullable: true })
  error!: RunErrorRecord | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
