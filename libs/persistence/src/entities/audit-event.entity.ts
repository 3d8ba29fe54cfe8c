import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { bigintAsNumber } from './bigint-number';
import { TenantEntity } from './tenant.entity';

/**
 * One link of a tenant's audit hash chain. Written and verified by @warden/audit; the table is
 * append-only (a trigger refuses UPDATE, DELETE and TRUNCATE), so the entity is for the schema.
 */
@Entity({ name: 'audit_events' })
@Unique('uq_audit_events_id', ['id'])
@Index('idx_audit_events_tenant_occurred', ['tenantId', 'occurredAt'])
@Check('ck_audit_events_outcome', `"outcome" IN ('success', 'failure', 'denied')`)
@Check('ck_audit_events_seq', `"seq" >= 1`)
export class AuditEventEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid', primaryKeyConstraintName: 'pk_audit_events' })
  tenantId!: string;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_audit_events', transformer: bigintAsNumber })
  seq!: number;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_audit_events_tenant' })
  tenant?: TenantEntity;

  @Column({ type: 'uuid' })
  id!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'actor_type', type: 'text' })
  actorType!: string;

  @Column({ name: 'actor_id', type: 'text' })
  actorId!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'target_type', type: 'text' })
  targetType!: string;

  @Column({ name: 'target_id', type: 'text', nullable: true })
  targetId!: string | null;

  @Column({ type: 'text' })
  outcome!: string;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ name: 'source_ip', type: 'text', nullable: true })
  sourceIp!: string | null;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  details!: Record<string, unknown>;

  @Column({ name: 'prev_hash', type: 'text' })
  prevHash!: string;

  @Column({ type: 'text' })
  hash!: string;
}
