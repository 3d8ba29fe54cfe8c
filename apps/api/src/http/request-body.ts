import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { WardenRequest } from './request-context';
import { RequestError } from './request.errors';

/** `application/json` from a Content-Type of `Application/JSON; charset=utf-8`; '' when there is none. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Whether the client sent body bytes at all (body parsers leave `body` unset for types they skip). */
export function requestHasBody(request: Pick<WardenRequest, 'headers'>): boolean {
  const { 'content-length': length, 'transfer-encoding': chunked } = request.headers;
  return chunked !== undefined || (length !== undefined && Number(length) > 0);
}

/**
 * Handler parameter for routes that take a JSON body: the parsed value (any JSON value, `null`
 * included, so the route's schema names the problem), or `undefined` when no body was sent. A
 * body of another type is refused instead of being read as "no body", so `dryRun: true` sent
 * as text/plain can never start a real run.
 */
export const JsonBody = createParamDecorator((_data: unknown, context: ExecutionContext): unknown => {
  const request = context.switchToHttp().getRequest<WardenRequest>();
  const mediaType = mediaTypeOf(request.headers['content-type']);
  if (mediaType === 'application/json') return request.body;
  if (!requestHasBody(request)) return undefined;
  throw new RequestError(
    'unsupported_media_type',
    `content type '${mediaType || '(none)'}' is not accepted; send application/json`,
    { accepted: ['application/json'] },
  );
});
