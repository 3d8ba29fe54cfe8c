import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { TenantEntity } from './tenant.entity';

export const CREDENTIAL_TYPES = ['api-key', 'basic', 'bearer', 'oauth2-client', 'custom'] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

/**
 * A named secret of a tenant, referenced by name from workflow steps. This row is metadata only:
 * the value lives encrypted in credential_versions, `current_version` names the one in use.
 * Deleting is soft, and frees the name (the unique index covers live rows only).
 */
@Entity({ name: 'credentials' })
@Index('uq_credentials_tenant_name', ['tenantId', 'name'], { unique: true, where: '"deleted_at" IS NULL' })
@Check('ck_credentials_type', `"type" IN ('api-key', 'basic', 'bearer', 'oauth2-client', 'custom')`)
@Check('ck_credentials_current_version', `"current_version" >= 1`)
export class CredentialEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_credentials' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_credentials_tenant' })
  tenant?: TenantEntity;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  type!: CredentialType;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'current_version', type: 'integer' })
  currentVersion!: number;

  /** The audit actor id of whoever created it. */
  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
