import { addSeconds } from './clock';
import { DEFAULT_LOCKOUT_POLICY, type LockoutPolicy } from './config';
import { IdentityError } from './errors';

/** Kept on the user row: failed_count, first_failure_at, locked_until. */
export interface LockoutState {
  readonly failedCount: number;
  readonly firstFailureAt: Date | null;
  readonly lockedUntil: Date | null;
}

export const UNLOCKED: LockoutState = { failedCount: 0, firstFailureAt: null, lockedUntil: null };

export interface LockStatus {
  readonly locked: boolean;
  /** Whole seconds until the lock lifts (for Retry-After); 0 when not locked. */
  readonly retryAfterSeconds: number;
}

export function isLocked(state: LockoutState, now: Date): LockStatus {
  const remainingMs = state.lockedUntil ? state.lockedUntil.getTime() - now.getTime() : 0;
  return remainingMs > 0
    ? { locked: true, retryAfterSeconds: Math.ceil(remainingMs / 1000) }
    : { locked: false, retryAfterSeconds: 0 };
}

/** For the sign-in flow, before the password is checked: `details.retryAfterSeconds` feeds Retry-After. */
export function assertNotLocked(state: LockoutState, now: Date): void {
  const { locked, retryAfterSeconds } = isLocked(state, now);
  if (locked)
    throw new IdentityError('account_locked', 'too many failed sign-ins; try later', { retryAfterSeconds });
}

/**
 * Counts a failed sign-in. Failures older than the window no longer count; reaching the maximum
 * locks the account. Attempts made while locked change nothing: the caller refuses them before
 * checking the password, and extending the lock would let anyone keep a victim locked out forever.
 */
export function registerFailure(
  state: LockoutState,
  now: Date,
  policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY,
): LockoutState {
  if (isLocked(state, now).locked) return state;
  const windowOpen =
    state.firstFailureAt !== null &&
    state.lockedUntil === null &&
    now.getTime() - state.firstFailureAt.getTime() < policy.windowSeconds * 1000;
  const failedCount = windowOpen ? state.failedCount + 1 : 1;
  const firstFailureAt = windowOpen ? state.firstFailureAt : now;
  const lockedUntil = failedCount >= policy.maxFailures ? addSeconds(now, policy.lockSeconds) : null;
  return { failedCount, firstFailureAt, lockedUntil };
}

/** A successful sign-in forgets earlier failures. */
export function registerSuccess(_state: LockoutState): LockoutState {
  return UNLOCKED;
}
