import { HttpException } from '@nestjs/common';
import { CryptoError } from '@warden/crypto';
import { fromCryptoError } from '../crypto/crypto.errors';
import type { ErrorDetails } from './api-error';
import { httpStatusFor, isKnownError, type ApiErrorCode, type KnownError } from './error-status';
import { RequestError } from './request.errors';

export interface ErrorBody {
  error: { code: ApiErrorCode; message: string; details?: ErrorDetails };
  requestId: string;
}

/**
 * Turns anything thrown while serving a request into one of our errors. Anything we did not
 * raise on purpose becomes `internal_error` with a generic message: no internals leak.
 */
export function toKnownError(err: unknown, request: { method?: string; url?: string }): KnownError {
  if (isKnownError(err)) return err;
  if (err instanceof CryptoError) return fromCryptoError(err);
  if (err instanceof HttpException) {
    const status = err.getStatus();
    if (status === 404) {
      return new RequestError(
        'route_not_found',
        `no route ${request.method ?? ''} ${pathOf(request.url)}`.trim(),
      );
    }
    if (status === 413) return new RequestError('payload_too_large', 'request body is too large');
    if (status === 415) return new RequestError('unsupported_media_type', 'unsupported content type');
    if (status < 500) return new RequestError('invalid_request', err.message);
  }
  return new RequestError('internal_error', 'internal error; quote the request id when reporting it');
}

function pathOf(url: string | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}

export function errorResponse(err: KnownError, requestId: string): { status: number; body: ErrorBody } {
  const body: ErrorBody = { error: { code: err.code, message: err.message }, requestId };
  if (err.details !== undefined) body.error.details = err.details;
  return { status: httpStatusFor(err.code), body };
}
