import { IdentityError } from './errors';
import {
  assertNotLocked,
  isLocked,
  registerFailure,
  registerSuccess,
  UNLOCKED,
  type LockoutState,
} from './lockout';

const start = new Date('2030-01-01T00:00:00Z');
const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);

function failures(count: number, everySeconds = 10, from: LockoutState = UNLOCKED, offset = 0): LockoutState {
  let state = from;
  for (let i = 0; i < count; i++) state = registerFailure(state, at(offset + i * everySeconds));
  return state;
}

describe('lockout policy (5 failures in 15 minutes lock for 15 minutes)', () => {
  it('four failures do not lock; the fifth locks for 900 s', () => {
    const four = failures(4);
    expect(four).toMatchObject({ failedCount: 4, firstFailureAt: start, lockedUntil: null });
    expect(isLocked(four, at(40))).toEqual({ locked: false, retryAfterSeconds: 0 });

    const five = registerFailure(four, at(40));
    expect(five.lockedUntil).toEqual(at(940));
    expect(isLocked(five, at(40))).toEqual({ locked: true, retryAfterSeconds: 900 });
    expect(isLocked(five, at(939.5))).toEqual({ locked: true, retryAfterSeconds: 1 });
    expect(isLocked(five, at(940))).toEqual({ locked: false, retryAfterSeconds: 0 });
  });

  it('failures older than the window stop counting', () => {
    const four = failures(4);
    const afterWindow = registerFailure(four, at(15 * 60));
    expect(afterWindow).toMatchObject({ failedCount: 1, firstFailureAt: at(15 * 60), lockedUntil: null });
  });

  it('failures while locked do not extend the lock', () => {
    const locked = failures(5);
    expect(registerFailure(locked, at(600))).toBe(locked);
  });

  it('after the lock lifts, counting starts again', () => {
    const locked = failures(5);
    const next = registerFailure(locked, locked.lockedUntil!);
    expect(next).toEqual({ failedCount: 1, firstFailureAt: locked.lockedUntil, lockedUntil: null });
  });

  it('a success forgets earlier failures', () => {
    expect(registerSuccess(failures(4))).toEqual({ failedCount: 0, firstFailureAt: null, lockedUntil: null });
  });

  it('honours a custom policy', () => {
    const policy = { maxFailures: 2, windowSeconds: 60, lockSeconds: 30 };
    const once = registerFailure(UNLOCKED, start, policy);
    const twice = registerFailure(once, at(59), policy);
    expect(isLocked(twice, at(59))).toEqual({ locked: true, retryAfterSeconds: 30 });
  });
});

describe('assertNotLocked', () => {
  it('throws account_locked with the seconds to wait, and passes once the lock lifts', () => {
    const locked = failures(5);
    expect(() => assertNotLocked(locked, at(340))).toThrow(
      expect.objectContaining({
        code: 'account_locked',
        details: { retryAfterSeconds: 600 },
      }) as IdentityError,
    );
    expect(() => assertNotLocked(locked, locked.lockedUntil!)).not.toThrow();
    expect(() => assertNotLocked(failures(4), at(40))).not.toThrow();
  });
});
