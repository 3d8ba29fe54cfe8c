import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { TenantEntity } from './tenant.entity';

/**
 * A publisher's Ed25519 public key that a tenant trusts to sign plugins. `key_id` derives from the
 * key bytes (publisherKeyId), so the same key always has the same id. Revoking is permanent.
 */
@Entity({ name: 'plugin_publisher_keys' })
@Unique('uq_plugin_publisher_keys_key', ['tenantId', 'keyId'])
export class PluginPublisherKeyEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_plugin_publisher_keys' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_plugin_publisher_keys_tenant' })
  tenant?: TenantEntity;

  @Column({ name: 'key_id', type: 'text' })
  keyId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'public_key_pem', type: 'text' })
  publicKeyPem!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
