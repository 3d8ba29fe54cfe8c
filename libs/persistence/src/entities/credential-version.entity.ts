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
import { CredentialEntity } from './credential.entity';
import { TenantEntity } from './tenant.entity';

/**
 * One value of a credential, as FieldCipher ciphertext bound to this row (see
 * credentialFieldContext), never changed once written. `valid_until` null: valid for as long as
 * it is current; set when a newer version replaces it (at once on update, after a grace period on
 * rotation). `field_names` are the value's keys, so metadata can be shown without decrypting.
 */
@Entity({ name: 'credential_versions' })
@Index('idx_credential_versions_key_version', ['tenantId', 'keyVersion'])
@Check('ck_credential_versions_version', `"version" >= 1`)
export class CredentialVersionEntity {
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_credential_versions_tenant' })
  tenant?: TenantEntity;

  @PrimaryColumn({ name: 'credential_id', type: 'uuid', primaryKeyConstraintName: 'pk_credential_versions' })
  credentialId!: string;

  @ManyToOne(() => CredentialEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'credential_id', foreignKeyConstraintName: 'fk_credential_versions_credential' })
  credential?: CredentialEntity;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'pk_credential_versions' })
  version!: number;

  /** `wdn1.` FieldCipher text of the value's JSON. */
  @Column({ type: 'text' })
  ciphertext!: string;

  /** The data key version the ciphertext was sealed with (re-encryption finds old ones by it). */
  @Column({ name: 'key_version', type: 'integer' })
  keyVersion!: number;

  @Column({ name: 'field_names', type: 'text', array: true })
  fieldNames!: string[];

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'valid_until', type: 'timestamptz', nullable: true })
  validUntil!: Date | null;
}
