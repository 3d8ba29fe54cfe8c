export type AuditErrorCode = 'invalid_event' | 'invalid_cursor';

/** A refused audit operation; `code` is stable for callers to map. */
export class AuditError extends Error {
  constructor(
    readonly code: AuditErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuditError';
  }
}
