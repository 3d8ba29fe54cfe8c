import { ApiError } from '../http/api-error';

export type WorkflowErrorCode =
  | 'workflow_not_found'
  | 'workflow_exists'
  | 'invalid_definition'
  | 'workflow_name_mismatch'
  | 'version_not_found'
  | 'concurrent_update';

export class WorkflowError extends ApiError<WorkflowErrorCode> {}
