import type { LockoutState } from '@warden/identity';
import { UserEntity, type TenantTransaction } from '@warden/persistence';

/**
 * The user's lockout counters, read with the row locked until `tx` ends, so concurrent failed
 * sign-ins count one after another instead of overwriting each other's increment.
 * (UserRepository has saveLockout but no locking read; this belongs there.)
 */
export async function lockoutForUpdate(
  tx: TenantTransaction,
  userId: string,
): Promise<LockoutState | undefined> {
  const row = await tx.manager.findOne(UserEntity, {
    select: { id: true, failedCount: true, firstFailureAt: true, lockedUntil: true },
    where: { tenantId: tx.tenantId, id: userId },
    lock: { mode: 'pessimistic_write' },
  });
  return row
    ? { failedCount: row.failedCount, firstFailureAt: row.firstFailureAt, lockedUntil: row.lockedUntil }
    : undefined;
}
