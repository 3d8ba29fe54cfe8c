import { ApiError } from '../http/api-error';

export type AuditErrorCode =
  /** A `cursor` that no earlier page of this listing handed out. */
  'audit_cursor_invalid';

export class AuditError extends ApiError<AuditErrorCode> {}
