/**
 * Workflow-code entry of @warden/engine (`@warden/engine/workflows`): the path the worker
 * bundles. Everything here is deterministic and free of Node built-ins. Temporal registers every
 * exported function as a workflow type, so only the workflows (wardenRun, and reencryptTenant for
 * key maintenance) are functions here; the queue and id helpers are exported from `@warden/engine`.
 */
export { wardenRun } from './warden-run';
export { reencryptTenant } from './reencrypt-tenant';
export {
  WARDEN_WORKFLOW_TYPE,
  DEFAULT_TENANT_ID,
  RUN_FAILED_ERROR_TYPE,
  approvalSignal,
  runStateQuery,
  reencryptProgressQuery,
  type ReencryptArgs,
  type ReencryptProgress,
  type ApprovalDecision,
  type RunArgs,
  type RunState,
  type StepState,
  type StepError,
  type StepApproval,
} from '../shared';
