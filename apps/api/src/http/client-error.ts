import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorResponse } from './error-mapping';
import { RequestError } from './request.errors';
import { REQUEST_ID_HEADER } from './request-id';

function errorFor(code: string | undefined): RequestError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new RequestError('headers_too_large', 'request headers are too large');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new RequestError('request_timeout', 'the request was not received in time');
    default:
      // Node's parser codes (HPE_INVALID_METHOD, HPE_INVALID_HEADER_TOKEN ...) are stable and say what.
      return new RequestError('invalid_request', 'the request is not valid HTTP/1.1', {
        reason: code ?? 'unknown',
      });
  }
}

/**
 * `clientError` listener of the HTTP server. Node's parser refuses some requests (an unknown
 * method, a control character in a header, oversized headers) before any middleware runs, and
 * by default answers with a bare status line. This answers them with our error body instead.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  // Writing now would corrupt a response already under way on this connection.
  const inFlight: unknown = Reflect.get(socket, '_httpMessage');
  const headersSent =
    typeof inFlight === 'object' && inFlight !== null && Reflect.get(inFlight, 'headersSent') === true;
  if (err.code === 'ECONNRESET' || !socket.writable || headersSent) {
    socket.destroy();
    return;
  }
  const requestId = randomUUID();
  const { status, body } = errorResponse(errorFor(err.code), requestId);
  const text = JSON.stringify(body);
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(text)}`,
      `${REQUEST_ID_HEADER}: ${requestId}`,
      'Connection: close',
      '',
      text,
    ].join('\r\n'),
  );
}
