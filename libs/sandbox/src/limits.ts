import type { SandboxLimits } from './contract';

/** What a job gets when it asks for nothing (issue section 5 defaults). */
export const DEFAULT_SANDBOX_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  memoryMb: 128,
  timeoutMs: 5000,
  cpuBudgetMs: 2000,
  maxOutputBytes: 1024 * 1024,
  maxLogBytes: 64 * 1024,
  maxLogLines: 1000,
  maxFetches: 20,
});

/** The most any job may ask for, whatever its manifest or step says. */
export const PLATFORM_LIMIT_CAPS: Readonly<SandboxLimits> = Object.freeze({
  memoryMb: 512,
  timeoutMs: 60_000,
  cpuBudgetMs: 30_000,
  maxOutputBytes: 8 * 1024 * 1024,
  maxLogBytes: 1024 * 1024,
  maxLogLines: 10_000,
  maxFetches: 100,
});

/** Below these the runtime itself cannot work (isolated-vm refuses heaps under 8 MB). */
const FLOORS: Readonly<SandboxLimits> = Object.freeze({
  memoryMb: 8,
  timeoutMs: 10,
  cpuBudgetMs: 1,
  maxOutputBytes: 16,
  maxLogBytes: 0,
  maxLogLines: 0,
  maxFetches: 0,
});

const LIMIT_KEYS = Object.keys(DEFAULT_SANDBOX_LIMITS) as (keyof SandboxLimits)[];

/**
 * Fills absent or malformed fields with defaults and clamps every field into [floor, cap].
 * Callers pass tenant-supplied numbers here, so anything that is not a finite number is ignored.
 */
export function effectiveLimits(
  requested: Partial<SandboxLimits> = {},
  caps: Readonly<SandboxLimits> = PLATFORM_LIMIT_CAPS,
): SandboxLimits {
  const limits = { ...DEFAULT_SANDBOX_LIMITS };
  for (const key of LIMIT_KEYS) {
    const value = requested[key];
    const wanted = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : limits[key];
    limits[key] = Math.max(FLOORS[key], Math.min(caps[key], wanted));
  }
  return limits;
}
