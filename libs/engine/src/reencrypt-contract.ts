/**
 * The contract between the re-encryption workflow and its activities, and the port the worker
 * implements with the tenant's database and key ring (apps/worker/src/key-maintenance.ts). No
 * Node imports, so workflow code may import it.
 */
import type { ReencryptFailure, ReencryptProgress } from './shared';

export interface StaleCountInput {
  tenantId: string;
  table: string;
  targetVersion: number;
}

export interface ReencryptBatchInput extends StaleCountInput {
  /** The last row of the previous batch; null for the first. */
  after: string | null;
  limit: number;
}

export interface ReencryptBatchResult {
  /** Rows moved forward (or found already there). */
  processed: number;
  /** Rows that could not be moved; they stay as they are, and the job goes on. */
  failures: Omit<ReencryptFailure, 'table'>[];
  /** The cursor of the next batch; null when the table has no more stale rows after this one. */
  next: string | null;
}

export interface ReencryptFinishInput {
  jobId: string;
  progress: ReencryptProgress;
}

/** What the activities need of the worker: the tenant's encrypted rows and its keys. */
export interface KeyMaintenance {
  /** Rows of `table` with a value under a tenant key version below `targetVersion`. */
  countStale(input: StaleCountInput): Promise<number>;
  /** One batch in one tenant transaction; `beat` is called as rows are done (heartbeats). */
  reencryptBatch(input: ReencryptBatchInput, beat: () => void): Promise<ReencryptBatchResult>;
  /** Audits the job's end (`key.reencrypt.finish`) in the tenant's chain. */
  recordFinished(input: ReencryptFinishInput): Promise<void>;
}

export interface ReencryptActivities {
  countStaleCiphertext(input: StaleCountInput): Promise<number>;
  reencryptBatch(input: ReencryptBatchInput): Promise<ReencryptBatchResult>;
  recordReencryption(input: ReencryptFinishInput): Promise<void>;
}

/** Failure types of the key maintenance activities that no retry can fix. */
export const REENCRYPT_ERROR_TYPES = {
  /** The activity ran on another tenant's queue: it never touches that tenant's rows. */
  wrongQueue: 'KeyMaintenanceWrongQueue',
  /** This worker was started without key maintenance (no database or key ring). */
  unavailable: 'KeyMaintenanceUnavailable',
  /** The job named a table that holds no ciphertext. */
  unknownTable: 'KeyMaintenanceUnknownTable',
} as const;
