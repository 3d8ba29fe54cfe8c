import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TenantEntity } from './tenant.entity';

/** A tenant's own role (see @warden/authz CustomRole): a base role plus and minus permissions. */
@Entity({ name: 'custom_roles' })
export class CustomRoleEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_custom_roles' })
  tenantId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_custom_roles' })
  key!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_custom_roles_tenant' })
  tenant?: TenantEntity;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  extends!: string | null;

  @Column({ type: 'text', array: true, default: () => `'{}'` })
  add!: string[];

  @Column({ type: 'text', array: true, default: () => `'{}'` })
  remove!: string[];
}
