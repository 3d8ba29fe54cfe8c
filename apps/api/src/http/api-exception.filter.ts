import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { errorResponse, toKnownError } from './error-mapping';
import type { KnownError } from './error-status';
import type { WardenRequest } from './request-context';
import { REQUEST_ID_HEADER } from './request-id';

/** The one place errors become HTTP responses: `{ error: { code, message, details? }, requestId }`. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<WardenRequest>();
    const response = http.getResponse<ServerResponse>();
    const requestId = request.requestId ?? randomUUID();
    const known = toKnownError(exception, request);
    const { status, body } = errorResponse(known, requestId);
    if (status >= 500) this.log(request, status, requestId, known, exception);
    if (response.headersSent) {
      response.end();
      return;
    }
    response.setHeader(REQUEST_ID_HEADER, requestId);
    const retryAfter = known.details?.retryAfterSeconds;
    if (typeof retryAfter === 'number') response.setHeader('Retry-After', String(retryAfter));
    if (status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="warden"');
    this.adapterHost.httpAdapter.reply(response, body, status);
  }

  private log(
    request: WardenRequest,
    status: number,
    requestId: string,
    known: KnownError,
    raw: unknown,
  ): void {
    const line = `${request.method} ${request.url} -> ${status} ${known.code} [${requestId}]`;
    if (known === raw) {
      this.logger.warn(`${line} ${known.message}`);
    } else {
      // Not raised on purpose: the stack goes to the log, never to the client.
      this.logger.error(`${line} ${raw instanceof Error ? (raw.stack ?? raw.message) : String(raw)}`);
    }
  }
}
