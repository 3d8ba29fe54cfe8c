import { DEFAULT_SANDBOX_LIMITS, effectiveLimits, PLATFORM_LIMIT_CAPS } from './limits';

describe('effectiveLimits', () => {
  it('fills missing fields with the defaults', () => {
    expect(effectiveLimits({})).toEqual(DEFAULT_SANDBOX_LIMITS);
    expect(effectiveLimits({ timeoutMs: 800 })).toEqual({ ...DEFAULT_SANDBOX_LIMITS, timeoutMs: 800 });
  });

  it('clamps requests to the caps and to working floors', () => {
    const limits = effectiveLimits({ memoryMb: 100_000, timeoutMs: 1, maxFetches: -5 });
    expect(limits.memoryMb).toBe(PLATFORM_LIMIT_CAPS.memoryMb);
    expect(limits.timeoutMs).toBe(10);
    expect(limits.maxFetches).toBe(0);
  });

  it('applies caller caps and ignores values that are not finite numbers', () => {
    const caps = { ...PLATFORM_LIMIT_CAPS, memoryMb: 64 };
    const requested = { memoryMb: 128, cpuBudgetMs: Number.NaN, maxLogLines: '5' as unknown as number };
    const limits = effectiveLimits(requested, caps);
    expect(limits.memoryMb).toBe(64);
    expect(limits.cpuBudgetMs).toBe(DEFAULT_SANDBOX_LIMITS.cpuBudgetMs);
    expect(limits.maxLogLines).toBe(DEFAULT_SANDBOX_LIMITS.maxLogLines);
  });
});
