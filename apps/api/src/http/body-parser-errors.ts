import type { ServerResponse } from 'node:http';
import type { WardenRequest } from './request-context';
import { RequestError } from './request.errors';

/**
 * body-parser reports its failures as http-errors with a `status` and usually a `type` like
 * 'entity.too.large'; errors of the streams it reads through (a corrupt gzip body) carry only
 * the status it gave them.
 */
interface BodyParserError {
  status: number;
  type?: string;
  message: string;
  /** The raw text, on parse failures. */
  body?: unknown;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  if (typeof err !== 'object' || err === null) return false;
  const { type, status } = err as { type?: unknown; status?: unknown };
  return typeof status === 'number' && (type === undefined || typeof type === 'string');
}

export function fromBodyParserError(err: BodyParserError): RequestError {
  switch (err.type) {
    case 'entity.parse.failed':
      return new RequestError('malformed_json', `request body is not valid JSON: ${err.message}`, {
        problems: [{ path: '', message: err.message, ...jsonErrorLocation(err) }],
      });
    case 'entity.too.large':
    case 'parameters.too.many':
      return new RequestError('payload_too_large', 'request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new RequestError('unsupported_media_type', err.message);
    default:
      return err.status < 500
        ? new RequestError('invalid_request', `request body could not be read: ${err.message}`)
        : new RequestError('internal_error', 'internal error; quote the request id when reporting it');
  }
}

/** Line and column (1-based) of a JSON syntax error, from the parser's "at position N". */
function jsonErrorLocation(err: BodyParserError): { line?: number; column?: number } {
  const match = /at position (\d+)/.exec(err.message);
  const text = typeof err.body === 'string' ? err.body : undefined;
  const offset = match
    ? Number(match[1])
    : text !== undefined && /end of JSON input/.test(err.message)
      ? text.length
      : undefined;
  if (offset === undefined || text === undefined) return {};
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1] ?? '').length + 1 };
}

/**
 * Express error middleware placed right after the body parsers. It turns their errors into
 * ours before the framework sees them (Nest would flatten a JSON syntax error into a generic
 * 400 and lose what kind of failure it was).
 */
export function bodyParserErrorMiddleware(
  err: unknown,
  _req: WardenRequest,
  _res: ServerResponse,
  next: (err?: unknown) => void,
): void {
  next(isBodyParserError(err) ? fromBodyParserError(err) : err);
}
