import { RequestRateLimiter } from './request-quota';

describe('RequestRateLimiter', () => {
  it('allows `limit` requests per window per key, then says how long to wait', () => {
    const limiter = new RequestRateLimiter(60_000);
    for (let i = 0; i < 3; i++) expect(limiter.take('a', 3, 1_000)).toEqual({ allowed: true });
    expect(limiter.take('a', 3, 16_000)).toEqual({ allowed: false, retryAfterSeconds: 45 });
    expect(limiter.take('b', 3, 16_000)).toEqual({ allowed: true });
    expect(limiter.take('a', 3, 61_000)).toEqual({ allowed: true });
  });

  it('never answers a wait of zero seconds', () => {
    const limiter = new RequestRateLimiter(60_000);
    limiter.take('a', 1, 0);
    expect(limiter.take('a', 1, 59_999)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('forgets expired windows when it tracks too many keys', () => {
    const limiter = new RequestRateLimiter(1_000, 2);
    limiter.take('a', 1, 0);
    limiter.take('b', 1, 0);
    expect(limiter.take('c', 1, 5_000)).toEqual({ allowed: true });
    expect(limiter.take('a', 1, 5_000)).toEqual({ allowed: true });
  });
});
