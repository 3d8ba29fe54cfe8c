import { Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { pingDatabase } from '@warden/persistence';
import { DataSource } from 'typeorm';

const CHECK_DEADLINE_MS = 3000;

export type CheckResult = { ok: true } | { ok: false; error: string };

export interface Readiness {
  ready: boolean;
  checks: { database: CheckResult; temporal: CheckResult };
}

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: Client,
  ) {}

  async readiness(): Promise<Readiness> {
    const [database, temporal] = await Promise.all([
      check(() => withTimeout(pingDatabase(this.dataSource), 'PostgreSQL')),
      check(() =>
        this.temporal.withDeadline(Date.now() + CHECK_DEADLINE_MS, () =>
          this.temporal.workflowService.getSystemInfo({}),
        ),
      ),
    ]);
    return { ready: database.ok && temporal.ok, checks: { database, temporal } };
  }
}

async function check(probe: () => Promise<unknown>): Promise<CheckResult> {
  try {
    await probe();
    return { ok: true };
  } catch (err) {
    // Only the first line: enough to act on, no stack.
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, error: message.split('\n')[0] ?? 'failed' };
  }
}

async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${CHECK_DEADLINE_MS} ms`)),
      CHECK_DEADLINE_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
