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
import { bigintAsNumber } from './bigint-number';
import { TenantEntity } from './tenant.entity';

export const USER_STATUSES = ['active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/**
 * A person in one tenant. Credentials and lockout state live on the row so that a sign-in reads
 * and updates one row. Emails are unique per tenant regardless of case (an expression index the
 * entity cannot describe, hence `synchronize: false`).
 */
@Entity({ name: 'users' })
@Index('uq_users_tenant_email', { synchronize: false })
@Check('ck_users_status', `"status" IN ('active', 'disabled')`)
export class UserEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_users' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_users_tenant' })
  tenant?: TenantEntity;

  @Column({ type: 'text' })
  email!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  /** argon2id encoded hash; null for a user who cannot sign in with a password (yet). */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  @Column({ type: 'text', default: 'active' })
  status!: UserStatus;

  /** Built-in or custom role keys of this tenant. */
  @Column({ type: 'text', array: true, default: () => `'{}'` })
  roles!: string[];

  @Column({ name: 'platform_admin', type: 'boolean', default: false })
  platformAdmin!: boolean;

  /** TOTP secret (base32), encrypted under the user's own data key (`subject:<id>`; see MfaSecrets). */
  @Column({ name: 'mfa_secret', type: 'text', nullable: true })
  mfaSecret!: string | null;

  @Column({ name: 'mfa_enabled', type: 'boolean', default: false })
  mfaEnabled!: boolean;

  /** The last TOTP time step accepted, so a code cannot be replayed within its window. */
  @Column({ name: 'mfa_last_step', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  mfaLastStep!: number | null;

  @Column({ name: 'recovery_code_hashes', type: 'text', array: true, default: () => `'{}'` })
  recoveryCodeHashes!: string[];

  @Column({ name: 'failed_count', type: 'integer', default: 0 })
  failedCount!: number;

  @Column({ name: 'first_failure_at', type: 'timestamptz', nullable: true })
  firstFailureAt!: Date | null;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
