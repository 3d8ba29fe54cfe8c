import { RequestRateLimiter } from '../auth/request-quota';
import { CredentialError } from './identity.errors';

/** Sign-in attempts one address may make per minute, whatever tenant or email it tries. */
export const LOGIN_ATTEMPTS_PER_MINUTE = 20;

/**
 * Slows password guessing across many accounts from one address, which per-account lockout
 * alone does not (an attacker trying one password on every email never locks anyone). Counted
 * in this process, like the tenant request quota (docs/operations.md explains the trade-off).
 */
export class LoginThrottle {
  private readonly limiter = new RequestRateLimiter();

  constructor(readonly attemptsPerMinute: number = LOGIN_ATTEMPTS_PER_MINUTE) {}

  /** Counts one attempt; throws `login_rate_limited` with Retry-After once the limit is reached. */
  take(sourceIp: string | null, nowMs: number): void {
    const outcome = this.limiter.take(sourceIp ?? 'unknown', this.attemptsPerMinute, nowMs);
    if (!outcome.allowed) {
      throw new CredentialError(
        'login_rate_limited',
        'too many sign-in attempts from this address; try later',
        {
          retryAfterSeconds: outcome.retryAfterSeconds,
        },
      );
    }
  }
}
