import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { REENCRYPT_ERROR_TYPES, type KeyMaintenance, type ReencryptActivities } from '../reencrypt-contract';
import { taskQueueFor } from '../shared';

/**
 * The re-encryption job's activities around the worker's KeyMaintenance. Each checks first that
 * it runs on the queue of the tenant it was asked about: a tenant's worker holds that tenant's
 * keys, and a history that names another tenant is refused rather than obeyed.
 */
export function createReencryptActivities(port: KeyMaintenance | undefined): ReencryptActivities {
  const portFor = (tenantId: string): KeyMaintenance => {
    const queue = Context.current().info.taskQueue;
    if (queue !== taskQueueFor(tenantId)) {
      throw ApplicationFailure.nonRetryable(
        `key maintenance for tenant ${tenantId} cannot run on queue ${queue}`,
        REENCRYPT_ERROR_TYPES.wrongQueue,
      );
    }
    if (port === undefined) {
      throw ApplicationFailure.nonRetryable(
        'this worker was started without key maintenance (database and key ring)',
        REENCRYPT_ERROR_TYPES.unavailable,
      );
    }
    return port;
  };
  return {
    countStaleCiphertext: (input) => portFor(input.tenantId).countStale(input),
    reencryptBatch: (input) => {
      const maintenance = portFor(input.tenantId);
      const context = Context.current();
      context.heartbeat();
      // The SDK throttles heartbeats: one per row costs nothing and keeps a long batch alive.
      return maintenance.reencryptBatch(input, () => context.heartbeat());
    },
    recordReencryption: (input) => portFor(input.progress.tenantId).recordFinished(input),
  };
}
