/**
 * Requests per minute per tenant, counted in this API process (a fixed one-minute window).
 * With several API replicas each enforces the limit on its own share of traffic: a tenant can
 * reach at most replicas x limit, which is the documented trade-off for not adding a shared
 * store to every request (docs/operations.md).
 */
export class RequestRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly windowMs = 60_000,
    private readonly maxTrackedKeys = 100_000,
  ) {}

  /** Counts one request; returns the seconds to wait when `limit` is already reached. */
  take(
    key: string,
    limit: number,
    nowMs: number,
  ): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    let window = this.windows.get(key);
    if (!window || nowMs - window.start >= this.windowMs) {
      if (!window && this.windows.size >= this.maxTrackedKeys) this.evictExpired(nowMs);
      window = { start: nowMs, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= limit) {
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((window.start + this.windowMs - nowMs) / 1000)),
      };
    }
    window.count++;
    return { allowed: true };
  }

  private evictExpired(nowMs: number): void {
    for (const [key, window] of this.windows) {
      if (nowMs - window.start >= this.windowMs) this.windows.delete(key);
    }
  }
}
