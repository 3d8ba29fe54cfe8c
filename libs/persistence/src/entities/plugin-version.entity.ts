import type { PluginLanguage, PluginManifest, PluginStatus } from '@warden/plugins';
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
import { PluginEntity } from './plugin.entity';
import { TenantEntity } from './tenant.entity';

export const PLUGIN_STATUSES: readonly PluginStatus[] = ['DRAFT', 'ACTIVE', 'DEPRECATED'];
export const PLUGIN_LANGUAGES: readonly PluginLanguage[] = ['javascript', 'typescript'];

/**
 * One immutable version of a plugin: its manifest, the hash of its source (the text itself is in
 * plugin_blobs), the digest a publisher signs and the signature. Only `status` ever changes, and
 * the application role may update no other column.
 */
@Entity({ name: 'plugin_versions' })
@Unique('uq_plugin_versions_plugin_version', ['tenantId', 'pluginId', 'version'])
@Check('ck_plugin_versions_status', `"status" IN ('DRAFT', 'ACTIVE', 'DEPRECATED')`)
@Check('ck_plugin_versions_language', `"language" IN ('javascript', 'typescript')`)
export class PluginVersionEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_plugin_versions' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_plugin_versions_tenant' })
  tenant?: TenantEntity;

  @Column({ name: 'plugin_id', type: 'uuid' })
  pluginId!: string;

  @ManyToOne(() => PluginEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'plugin_id', foreignKeyConstraintName: 'fk_plugin_versions_plugin' })
  plugin?: PluginEntity;

  /** Strict semver. */
  @Column({ type: 'text' })
  version!: string;

  @Column({ type: 'text' })
  status!: PluginStatus;

  @Column({ type: 'jsonb' })
  manifest!: PluginManifest;

  @Column({ type: 'text' })
  language!: PluginLanguage;

  /** Key of the source in plugin_blobs. */
  @Column({ name: 'source_sha256', type: 'text' })
  sourceSha256!: string;

  /** pluginDigest(manifest, source): what the signature covers, and what runs pin. */
  @Column({ type: 'text' })
  digest!: string;

  /** Ed25519 over the digest, base64; null for an unsigned DRAFT. */
  @Column({ type: 'text', nullable: true })
  signature!: string | null;

  @Column({ name: 'signing_key_id', type: 'text', nullable: true })
  signingKeyId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;
}
