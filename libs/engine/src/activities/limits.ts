import type { ActivityLimits } from '../activity-contract';

export const DEFAULT_ACTIVITY_LIMITS: ActivityLimits = {
  maxOutputBytes: 1024 * 1024,
  maxHttpResponseBytes: 1024 * 1024,
  heartbeatIntervalMs: 2000,
};

export function resolveLimits(overrides: Partial<ActivityLimits> | undefined): ActivityLimits {
  return { ...DEFAULT_ACTIVITY_LIMITS, ...overrides };
}
