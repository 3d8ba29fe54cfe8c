import type { ApprovalDecision, RunArgs, RunState } from '@warden/engine';

/** A run as the engine addresses it: the tenant's key encrypts and decrypts what it carries. */
export interface RunRef {
  tenantId: string;
  runId: string;
}

/**
 * What the runs feature needs from the durable engine. The Temporal implementation is the
 * only one in production; services depend on this port so they can be tested with a fake.
 * Methods throw RunError `engine_unavailable` when the engine cannot be reached.
 */
export abstract class RunEngine {
  /** Starts the run; starting an already started (or finished) run is a success, never a second run. */
  abstract start(args: RunArgs): Promise<void>;
  /** The live or final state; undefined when the engine has never seen this run. */
  abstract state(run: RunRef): Promise<RunState | undefined>;
  /** Whether the run has ended; undefined when the engine has never seen it. Needs no worker. */
  abstract hasEnded(run: RunRef): Promise<boolean | undefined>;
  abstract signalApproval(run: RunRef, decision: ApprovalDecision): Promise<void>;
  abstract requestCancel(run: RunRef): Promise<void>;
  /** How many of the tenant's runs are open right now (the concurrent-runs quota). */
  abstract countOpenRuns(tenantId: string): Promise<number>;
}
