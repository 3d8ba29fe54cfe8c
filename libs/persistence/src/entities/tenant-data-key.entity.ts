import type { DataKeyState } from '@warden/crypto';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { TenantEntity } from './tenant.entity';

export const DATA_KEY_STATES = ['active', 'retired', 'destroyed'] as const satisfies readonly DataKeyState[];

/**
 * One version of a tenant's data key for one scope (`tenant`, or `subject:<id>`), wrapped by a
 * master key. Exactly one version per scope is active; destroying one erases its bytes, so
 * whatever it encrypted is gone for good (the check keeps "destroyed" and "no bytes" together).
 */
@Entity({ name: 'tenant_data_keys' })
@Index('uq_tenant_data_keys_active', ['tenantId', 'scope'], { unique: true, where: `"state" = 'active'` })
@Check('ck_tenant_data_keys_state', `"state" IN ('active', 'retired', 'destroyed')`)
@Check('ck_tenant_data_keys_version', `"version" >= 1`)
@Check('ck_tenant_data_keys_scope', `"scope" = 'tenant' OR "scope" LIKE 'subject:_%'`)
@Check('ck_tenant_data_keys_shredded', `("state" = 'destroyed') = ("wrapped" IS NULL)`)
export class TenantDataKeyEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_tenant_data_keys' })
  tenantId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_tenant_data_keys' })
  scope!: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'pk_tenant_data_keys' })
  version!: number;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_tenant_data_keys_tenant' })
  tenant?: TenantEntity;

  /** Null once destroyed. */
  @Column({ type: 'bytea', nullable: true })
  wrapped!: Buffer | null;

  /** `local:<fingerprint>` or a KMS key ARN. */
  @Column({ name: 'master_key_id', type: 'text' })
  masterKeyId!: string;

  @Column({ type: 'text' })
  state!: DataKeyState;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;

  @Column({ name: 'destroyed_at', type: 'timestamptz', nullable: true })
  destroyedAt!: Date | null;
}
