import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { WardenRequest } from '../http/request-context';

/** Where a request came from, as audit events record it. */
export interface RequestOrigin {
  readonly requestId: string | null;
  /** The peer address (no proxy headers are trusted here); null if the socket is gone. */
  readonly sourceIp: string | null;
}

export function originOf(request: WardenRequest): RequestOrigin {
  return { requestId: request.requestId ?? null, sourceIp: request.socket.remoteAddress ?? null };
}

/** Handler parameter: the request id and peer address, for audit events and the sign-in limiter. */
export const Origin = createParamDecorator((_data: unknown, context: ExecutionContext): RequestOrigin =>
  originOf(context.switchToHttp().getRequest<WardenRequest>()),
);
