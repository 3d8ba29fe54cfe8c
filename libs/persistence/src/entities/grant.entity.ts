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

export const GRANT_PRINCIPAL_TYPES = ['user', 'apikey'] as const;
export type GrantPrincipalType = (typeof GRANT_PRINCIPAL_TYPES)[number];

/** One permission on one resource for one user or API key (see @warden/authz ResourceGrant). */
@Entity({ name: 'grants' })
@Unique('uq_grants_principal_permission_resource', [
  'tenantId',
  'principalType',
  'principalId',
  'permission',
  'resourceId',
])
@Check('ck_grants_principal_type', `"principal_type" IN ('user', 'apikey')`)
export class GrantEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_grants' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_grants_tenant' })
  tenant?: TenantEntity;

  @Column({ name: 'principal_type', type: 'text' })
  principalType!: GrantPrincipalType;

  @Column({ name: 'principal_id', type: 'uuid' })
  principalId!: string;

  @Column({ type: 'text' })
  permission!: string;

  /** The CASL subject, e.g. 'Workflow'. */
  @Column({ name: 'resource_type', type: 'text' })
  resourceType!: string;

  @Column({ name: 'resource_id', type: 'uuid' })
  resourceId!: string;

  /** The user who granted it; null when the platform did (seeding, migrations). */
  @Column({ name: 'granted_by', type: 'uuid', nullable: true })
  grantedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
