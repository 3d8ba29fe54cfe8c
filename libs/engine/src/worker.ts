import type { DataConverter, Duration } from '@temporalio/common';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { TEMPORAL_FAILURE_CONVERTER_PATH } from '@warden/crypto';
import { createActivities } from './activities';
import type { PluginHost } from './activities/plugin';
import { createReencryptActivities } from './activities/reencrypt';
import type {
  ActivityLimits,
  EngineLogger,
  SecretFields,
  StepCredentials,
  WardenActivities,
} from './activity-contract';
import { WORKFLOWS_PATH } from './bundle';
import type { KeyMaintenance } from './reencrypt-contract';
import { taskQueueFor } from './shared';

export interface WardenWorkerOptions {
  connection: NativeConnection;
  /** Defaults to 'default'. */
  namespace?: string;
  tenantId: string;
  /** A prebuilt bundle (see bundleWardenWorkflows); without it the workflow is bundled at start. */
  workflowBundle?: { codePath: string };
  /** Replace individual activities (tests, benchmarks). */
  activities?: Partial<WardenActivities>;
  /** Defaults to the Temporal runtime logger. */
  logger?: EngineLogger;
  limits?: Partial<ActivityLimits>;
  /** Loads, runs (in the sandbox) and audits plugin steps; without it plugin steps fail. */
  plugins?: PluginHost;
  /** Opens definitions' sealed secrets; without it steps that have some fail (secret_unreadable). */
  secrets?: SecretFields;
  /** The vault: http steps naming a credential use it; without it they fail (credential_unreadable). */
  credentials?: StepCredentials;
  /** The tenant's encrypted rows and keys, for the re-encryption job; without it that job fails. */
  keys?: KeyMaintenance;
  maxConcurrentActivityTaskExecutions?: number;
  /** How long running steps may finish after shutdown starts before they are cancelled. */
  shutdownGraceTime?: Duration;
  identity?: string;
  /**
   * The tenant's converter (tenantDataConverter from @warden/crypto): every payload the worker
   * sends to Temporal is encrypted with the tenant's key. Without it payloads are plain JSON.
   */
  dataConverter?: DataConverter;
}

/** One Temporal worker polling the tenant's task queue with the interpreter and step activities. */
export async function createWardenWorker(opts: WardenWorkerOptions): Promise<Worker> {
  const logger = opts.logger ?? Runtime.instance().logger;
  const activities = {
    ...createActivities({
      logger,
      limits: opts.limits,
      plugins: opts.plugins,
      secrets: opts.secrets,
      credentials: opts.credentials,
      tenantId: opts.tenantId,
    }),
    ...createReencryptActivities(opts.keys),
    ...opts.activities,
  };
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: taskQueueFor(opts.tenantId),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities,
    // The prebuilt bundle always carries this failure converter: the worker's side must match.
    dataConverter: { failureConverterPath: TEMPORAL_FAILURE_CONVERTER_PATH, ...opts.dataConverter },
    ...(opts.identity === undefined ? {} : { identity: opts.identity }),
    ...(opts.maxConcurrentActivityTaskExecutions === undefined
      ? {}
      : { maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions }),
    // Cancellation reaches an activity only with a heartbeat response: keep that under ~1 s.
    maxHeartbeatThrottleInterval: '1s',
    // If this worker dies, its cached workflows move to another worker after this long.
    stickyQueueScheduleToStartTimeout: '5s',
    shutdownGraceTime: opts.shutdownGraceTime ?? '10s',
  });
}
