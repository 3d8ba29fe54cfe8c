import { AuditError } from './audit.errors';

const PREFIX = 'audit1:';

/**
 * Opaque to clients: the seq of the last event a page returned, versioned and base64url-encoded
 * so that the encoding can change without old cursors being misread.
 */
export function encodeCursor(lastSeq: number): string {
  return Buffer.from(`${PREFIX}${lastSeq}`, 'utf8').toString('base64url');
}

/** The seq to continue before; AuditError `invalid_cursor` for anything encodeCursor did not make. */
export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const digits = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : '';
  const seq = /^[1-9][0-9]{0,15}$/.test(digits) ? Number(digits) : NaN;
  if (!Number.isSafeInteger(seq))
    throw new AuditError('invalid_cursor', 'this cursor was not handed out by a listing');
  return seq;
}
