import { SandboxFailure, type CapabilityBroker } from '../contract';

const WINDOW_MS = 60_000;

/**
 * Counts every plugin fetch against the tenant's quota (`capabilities.fetchesPerMinute`) before
 * the inner broker sees it: a fixed one-minute window per tenant, kept in this process, like the
 * API's per-process request quotas. A fetch over the quota is refused as `capability-denied`.
 */
export function withFetchQuota(inner: CapabilityBroker, now: () => number = Date.now): CapabilityBroker {
  const windows = new Map<string, { start: number; used: number }>();
  return {
    fetch(request, context) {
      const limit = context.capabilities.fetchesPerMinute;
      if (limit !== undefined) {
        const at = now();
        let window = windows.get(context.tenantId);
        if (!window || at - window.start >= WINDOW_MS) {
          window = { start: at, used: 0 };
          windows.set(context.tenantId, window);
        }
        if (window.used >= limit) {
          const retryInS = Math.ceil((window.start + WINDOW_MS - at) / 1000);
          return Promise.reject(
            new SandboxFailure(
              'capability-denied',
              `the tenant's quota of ${limit} plugin fetches per minute is used up; try again in ${retryInS} s`,
            ),
          );
        }
        window.used++;
      }
      return inner.fetch(request, context);
    },
  };
}
