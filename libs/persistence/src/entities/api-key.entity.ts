import {
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
import { UserEntity } from './user.entity';

/**
 * An API key: only sha256 hashes of the secret are stored (field names follow @warden/identity's
 * ApiKeyCredentials). After a rotation the previous hash keeps working until
 * previous_hash_expires_at.
 */
@Entity({ name: 'api_keys' })
@Unique('uq_api_keys_hash', ['hash'])
@Index('idx_api_keys_previous_hash', ['previousHash'], { where: '"previous_hash" IS NOT NULL' })
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_api_keys' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_api_keys_tenant' })
  tenant?: TenantEntity;

  @Column({ name: 'owner_user_id', type: 'uuid' })
  ownerUserId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'owner_user_id', foreignKeyConstraintName: 'fk_api_keys_owner' })
  owner?: UserEntity;

  @Column({ type: 'text' })
  name!: string;

  /** The first characters of the secret, safe to show in lists and audit events. */
  @Column({ type: 'text' })
  prefix!: string;

  @Column({ type: 'text' })
  hash!: string;

  @Column({ name: 'previous_hash', type: 'text', nullable: true })
  previousHash!: string | null;

  @Column({ name: 'previous_hash_expires_at', type: 'timestamptz', nullable: true })
  previousHashExpiresAt!: Date | null;

  /** The key holds at most these permissions (intersected with its owner's). */
  @Column({ type: 'text', array: true, default: () => `'{}'` })
  permissions!: string[];

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
