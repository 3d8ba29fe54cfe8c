import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { UserEntity, type UserStatus } from './entities/user.entity';
import { isUuid } from './ids';
import { insertedRows } from './insert-result';
import { PersistenceError } from './persistence.errors';
import { withTenant } from './tenant-db';
import type { TenantScope } from './tenant-scope';

export interface NewUser {
  email: string;
  displayName: string;
  passwordHash?: string | null;
  roles?: string[];
  platformAdmin?: boolean;
}

export type UserUpdate = Partial<
  Pick<
    UserEntity,
    'displayName' | 'passwordHash' | 'status' | 'roles' | 'mfaSecret' | 'mfaEnabled' | 'recoveryCodeHashes'
  >
>;

/** @warden/identity's LockoutState, as kept on the row. */
export interface UserLockout {
  failedCount: number;
  firstFailureAt: Date | null;
  lockedUntil: Date | null;
}

/** Users of one tenant. Sign-in state changes are single atomic UPDATEs, safe under concurrency. */
export class UserRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Throws PersistenceError `user_email_taken` (emails are unique per tenant, ignoring case). */
  async create(scope: TenantScope, input: NewUser): Promise<UserEntity> {
    return withTenant(this.dataSource, scope, async ({ manager }) => {
      const user = manager.create(UserEntity, {
        id: randomUUID(),
        tenantId: scope.tenantId,
        email: input.email,
        displayName: input.displayName,
        passwordHash: input.passwordHash ?? null,
        status: 'active' as UserStatus,
        roles: input.roles ?? [],
        platformAdmin: input.platformAdmin ?? false,
        mfaSecret: null,
        mfaEnabled: false,
        mfaLastStep: null,
        recoveryCodeHashes: [],
        failedCount: 0,
        firstFailureAt: null,
        lockedUntil: null,
      });
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(UserEntity)
        .values(user)
        .orIgnore()
        .execute();
      if (insertedRows(inserted.raw) === 0) {
        throw new PersistenceError('user_email_taken', `a user with email '${input.email}' already exists`);
      }
      return user;
    });
  }

  async findById(scope: TenantScope, id: string): Promise<UserEntity | undefined> {
    if (!isUuid(id)) return undefined;
    const found = await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.findOneBy(UserEntity, { tenantId: scope.tenantId, id }),
    );
    return found ?? undefined;
  }

  /** Case-insensitive, as the unique index is. */
  async findByEmail(scope: TenantScope, email: string): Promise<UserEntity | undefined> {
    const found = await withTenant(this.dataSource, scope, ({ manager }) =>
      manager
        .createQueryBuilder(UserEntity, 'u')
        .where('u.tenant_id = :tenantId AND lower(u.email) = lower(:email)', {
          tenantId: scope.tenantId,
          email,
        })
        .getOne(),
    );
    return found ?? undefined;
  }

  async list(scope: TenantScope, limit = 100): Promise<UserEntity[]> {
    return withTenant(this.dataSource, scope, ({ manager }) =>
      manager.find(UserEntity, { where: { tenantId: scope.tenantId }, order: { email: 'ASC' }, take: limit }),
    );
  }

  /** Returns whether the user exists. */
  async update(scope: TenantScope, id: string, changes: UserUpdate): Promise<boolean> {
    if (!isUuid(id)) return false;
    return withTenant(this.dataSource, scope, async ({ manager }) => {
      const result = await manager.update(UserEntity, { tenantId: scope.tenantId, id }, changes);
      return (result.affected ?? 0) > 0;
    });
  }

  /** Stores the state @warden/identity's registerFailure / registerSuccess computed. */
  async saveLockout(scope: TenantScope, id: string, lockout: UserLockout): Promise<void> {
    if (!isUuid(id)) return;
    const { failedCount, firstFailureAt, lockedUntil } = lockout;
    await withTenant(this.dataSource, scope, ({ manager }) =>
      manager.update(
        UserEntity,
        { tenantId: scope.tenantId, id },
        { failedCount, firstFailureAt, lockedUntil },
      ),
    );
  }

  /**
   * Records an accepted TOTP step, only if it is newer than the last one: of two requests
   * presenting the same code, exactly one gets true (no replay within the code's window).
   */
  async advanceMfaStep(scope: TenantScope, id: string, step: number): Promise<boolean> {
    if (!isUuid(id)) return false;
    return this.changedOne(
      scope,
      `UPDATE users SET mfa_last_step = $3, updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND (mfa_last_step IS NULL OR mfa_last_step < $3)`,
      [scope.tenantId, id, step],
    );
  }

  /** Removes one recovery code hash if present; true exactly once per code. */
  async consumeRecoveryCode(scope: TenantScope, id: string, codeHash: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return this.changedOne(
      scope,
      `UPDATE users SET recovery_code_hashes = array_remove(recovery_code_hashes, $3), updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND $3 = ANY (recovery_code_hashes)`,
      [scope.tenantId, id, codeHash],
    );
  }

  private changedOne(scope: TenantScope, sql: string, params: unknown[]): Promise<boolean> {
    return withTenant(this.dataSource, scope, async ({ manager }) => {
      // pg answers an UPDATE without RETURNING with [rows, affected count].
      const [, affected] = (await manager.query(sql, params)) as [unknown, number];
      return affected === 1;
    });
  }
}
