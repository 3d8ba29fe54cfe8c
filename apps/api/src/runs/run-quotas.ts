import { Injectable } from '@nestjs/common';
import { AuthError } from '../auth/auth.errors';
import { RequestRateLimiter } from '../auth/request-quota';
import { TenantPolicyCache } from '../auth/tenant-policy';
import { RunEngine } from './run-engine';

/** How long a tenant at its concurrent-runs limit is told to wait before trying again. */
const CONCURRENCY_RETRY_AFTER_SECONDS = 5;

/**
 * How long a count of open runs from Temporal is reused (plus the starts made since). Counting
 * asks Temporal's visibility store, which is not free; a second-old count is close enough for
 * a fairness limit, and runs that ended meanwhile only make it stricter.
 */
const OPEN_RUNS_COUNT_TTL_MS = 1_000;

/**
 * The run quotas of a tenant, checked before a run is recorded: open runs (counted by
 * Temporal) and runs started per minute (counted by this API process, like request quotas).
 * Two starts racing at the limit can both pass: the limits are a fairness guard, not billing.
 */
@Injectable()
export class RunQuotas {
  private readonly starts = new RequestRateLimiter();
  private readonly openRuns = new Map<string, { counted: number; startedSince: number; until: number }>();

  constructor(
    private readonly tenants: TenantPolicyCache,
    private readonly engine: RunEngine,
  ) {}

  async admitRun(tenantId: string): Promise<void> {
    const policy = await this.tenants.get(tenantId);
    if (!policy) return;
    const quotas = policy.quotas;
    const open = await this.openRunsOf(tenantId);
    if (open >= quotas.concurrentRuns) {
      throw new AuthError(
        'quota_exceeded',
        `this tenant may have ${quotas.concurrentRuns} runs open at once`,
        {
          quota: 'concurrentRuns',
          limit: quotas.concurrentRuns,
          retryAfterSeconds: CONCURRENCY_RETRY_AFTER_SECONDS,
        },
      );
    }
    const started = this.starts.take(tenantId, quotas.runsPerMinute, Date.now());
    if (!started.allowed) {
      throw new AuthError('quota_exceeded', `this tenant may start ${quotas.runsPerMinute} runs per minute`, {
        quota: 'runsPerMinute',
        limit: quotas.runsPerMinute,
        retryAfterSeconds: started.retryAfterSeconds,
      });
    }
  }

  /** A run was recorded and is being launched: counted until the next count from Temporal. */
  started(tenantId: string): void {
    const cached = this.openRuns.get(tenantId);
    if (cached) cached.startedSince++;
  }

  private async openRunsOf(tenantId: string): Promise<number> {
    const now = Date.now();
    const cached = this.openRuns.get(tenantId);
    if (cached && cached.until > now) return cached.counted + cached.startedSince;
    const counted = await this.engine.countOpenRuns(tenantId);
    this.openRuns.set(tenantId, { counted, startedSince: 0, until: now + OPEN_RUNS_COUNT_TTL_MS });
    return counted;
  }
}
