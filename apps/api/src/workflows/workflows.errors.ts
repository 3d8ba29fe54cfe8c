import { ApiError, type ProblemDetail } from '../http/api-error';

export type WorkflowErrorCode =
  | 'workflow_not_found'
  | 'workflow_exists'
  | 'invalid_definition'
  | 'workflow_name_mismatch'
  | 'version_not_found'
  | 'concurrent_update';

export class WorkflowError extends ApiError<WorkflowErrorCode> {}

/** The answer for a workflow id that is not a UUID (see UuidParam). */
export function malformedWorkflowId(problem: ProblemDetail): WorkflowError {
  const message = `no workflow has this id: ${problem.path} ${problem.message}`;
  return new WorkflowError('workflow_not_found', message, { problems: [problem] });
}
