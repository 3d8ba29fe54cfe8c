import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TenantEntity } from './tenant.entity';

/**
 * A plugin registered in a tenant, named by its manifest id (`plugin_key`, e.g. `acme.notify`).
 * Name, publisher and description follow its latest version. Deleting is soft: versions stay,
 * so runs of older workflow versions that pinned it can still load its code, and the key is free
 * for a new plugin (the unique index covers live rows only).
 */
@Entity({ name: 'plugins' })
@Index('uq_plugins_tenant_key', ['tenantId', 'pluginKey'], { unique: true, where: '"deleted_at" IS NULL' })
export class PluginEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_plugins' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_plugins_tenant' })
  tenant?: TenantEntity;

  @Column({ name: 'plugin_key', type: 'text' })
  pluginKey!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  publisher!: string;

  @Column({ type: 'text' })
  description!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** The audit actor id of whoever registered it. */
  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
