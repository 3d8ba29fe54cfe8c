/**
 * @warden/engine: runs Warden definitions durably on Temporal. One generic workflow
 * (`wardenRun`, in ./workflows) interprets a pinned definition; shell and http steps are
 * activities built by createActivities. Node side only: workflow code imports
 * `@warden/engine/workflows` instead.
 *
 *   const worker = await createWardenWorker({ connection, tenantId });
 *   await client.workflow.start(WARDEN_WORKFLOW_TYPE, {
 *     taskQueue: taskQueueFor(tenantId), workflowId: temporalWorkflowIdFor(runId), args: [runArgs] });
 */
export {
  WARDEN_WORKFLOW_TYPE,
  WARDEN_WORKFLOW_TASK_TIMEOUT,
  DEFAULT_TENANT_ID,
  RUN_FAILED_ERROR_TYPE,
  taskQueueFor,
  temporalWorkflowIdFor,
  approvalSignal,
  runStateQuery,
  REENCRYPT_WORKFLOW_TYPE,
  reencryptJobIdFor,
  parseReencryptJobId,
  reencryptProgressQuery,
  type ReencryptArgs,
  type ReencryptProgress,
  type ReencryptTableProgress,
  type ReencryptFailure,
  type ApprovalDecision,
  type RunArgs,
  type RunState,
  type StepState,
  type StepError,
  type StepApproval,
} from './shared';
export {
  ACTIVITY_ERROR_TYPES,
  type ActivityDeps,
  type ActivityLimits,
  type EngineLogger,
  type WardenActivities,
  type ShellActivityInput,
  type ShellActivityResult,
  type HttpActivityInput,
  type HttpActivityResult,
  type PluginPin,
  type PluginActivityInput,
  type PluginActivityResult,
  type SecretFields,
  type SecretOwner,
  type StepString,
  type StepCredential,
  type StepCredentials,
  type StepCredentialUse,
  StepCredentialError,
  PLUGIN_FAILURE_TYPE_PREFIX,
} from './activity-contract';
export {
  PluginLoadError,
  valueDigest,
  type PluginHost,
  type LoadedPlugin,
  type PluginCredentialSlot,
  type PluginExecutionRecord,
  type PluginOutcome,
} from './activities/plugin';
export { STEP_ERROR_CODES, type StepErrorCode } from './workflows/step-failure';
export { createActivities } from './activities';
export { createReencryptActivities } from './activities/reencrypt';
export {
  REENCRYPT_ERROR_TYPES,
  type KeyMaintenance,
  type ReencryptActivities,
  type ReencryptBatchInput,
  type ReencryptBatchResult,
  type ReencryptFinishInput,
  type StaleCountInput,
} from './reencrypt-contract';
export { DEFAULT_ACTIVITY_LIMITS } from './activities/limits';
export { createWardenWorker, type WardenWorkerOptions } from './worker';
export { bundleWardenWorkflows, WORKFLOWS_PATH } from './bundle';
export {
  WorkerPool,
  type WorkerPoolOptions,
  type PoolWorkerOptions,
  type PoolTenant,
  type ServedTenant,
  type TenantIsolation,
} from './worker-pool';
export {
  ensureNamespace,
  dedicatedNamespaceFor,
  isValidTenantSlug,
  TENANT_SLUG_PATTERN,
  NamespaceError,
  type NamespaceErrorCode,
  type EnsureNamespaceOptions,
  type EnsuredNamespace,
} from './namespaces';
export { getRunState, RunNotFoundError } from './run-state-client';
export {
  loadTemporalTlsConfig,
  describeTemporalTls,
  TemporalTlsConfigError,
  TEMPORAL_TLS_VARIABLES,
  type TemporalTlsVariable,
} from './temporal-tls';
