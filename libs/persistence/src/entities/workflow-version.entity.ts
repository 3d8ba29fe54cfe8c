import type { WorkflowDefinition } from '@warden/definition';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Unique,
} from 'typeorm';
import { TenantEntity } from './tenant.entity';
import { WorkflowEntity } from './workflow.entity';

export const SOURCE_FORMATS = ['yaml', 'json'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

/**
 * One immutable version of a workflow: the text as the client sent it (so line numbers in
 * later problems still point into it), its parsed definition, and a checksum of the text.
 * Rows are only ever inserted.
 */
@Entity({ name: 'workflow_versions' })
@Unique('uq_workflow_versions_workflow_version', ['workflowId', 'version'])
@Check('ck_workflow_versions_format', `"format" IN ('yaml', 'json')`)
@Check('ck_workflow_versions_version', `"version" >= 1`)
export class WorkflowVersionEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_workflow_versions' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_workflow_versions_tenant' })
  tenant?: TenantEntity;

  @Column({ name: 'workflow_id', type: 'uuid' })
  workflowId!: string;

  @ManyToOne(() => WorkflowEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'workflow_id', foreignKeyConstraintName: 'fk_workflow_versions_workflow' })
  workflow?: WorkflowEntity;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text' })
  format!: SourceFormat;

  @Column({ type: 'jsonb' })
  definition!: WorkflowDefinition;

  /** sha256 of `source`, hex. */
  @Column({ type: 'text' })
  checksum!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
