import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PluginEntity } from './plugin.entity';
import { TenantEntity } from './tenant.entity';
import { WorkflowEntity } from './workflow.entity';

/**
 * The plugin version a step of a workflow version resolved to when that version was saved. Like
 * the workflow version, it never changes: a run of that version loads exactly this digest.
 */
@Entity({ name: 'workflow_plugin_pins' })
@Index('idx_workflow_plugin_pins_plugin', ['tenantId', 'pluginId'])
export class WorkflowPluginPinEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_workflow_plugin_pins' })
  tenantId!: string;

  @PrimaryColumn({ name: 'workflow_id', type: 'uuid', primaryKeyConstraintName: 'pk_workflow_plugin_pins' })
  workflowId!: string;

  @PrimaryColumn({
    name: 'workflow_version',
    type: 'integer',
    primaryKeyConstraintName: 'pk_workflow_plugin_pins',
  })
  workflowVersion!: number;

  @PrimaryColumn({ name: 'step_id', type: 'text', primaryKeyConstraintName: 'pk_workflow_plugin_pins' })
  stepId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_workflow_plugin_pins_tenant' })
  tenant?: TenantEntity;

  @ManyToOne(() => WorkflowEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'workflow_id', foreignKeyConstraintName: 'fk_workflow_plugin_pins_workflow' })
  workflow?: WorkflowEntity;

  @Column({ name: 'plugin_id', type: 'uuid' })
  pluginId!: string;

  @ManyToOne(() => PluginEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'plugin_id', foreignKeyConstraintName: 'fk_workflow_plugin_pins_plugin' })
  plugin?: PluginEntity;

  @Column({ name: 'plugin_key', type: 'text' })
  pluginKey!: string;

  @Column({ type: 'text' })
  version!: string;

  @Column({ type: 'text' })
  digest!: string;
}
