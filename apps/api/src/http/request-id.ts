import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { WardenRequest } from './request-context';

export const REQUEST_ID_HEADER = 'X-Request-Id';

// Client-chosen ids end up in logs: accept only short, plain tokens.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes the caller's X-Request-Id when it is sane, else makes one; echoes it in the response. */
export function requestIdMiddleware(req: WardenRequest, res: ServerResponse, next: () => void): void {
  const incoming = req.headers['x-request-id'];
  const candidate = Array.isArray(incoming) ? incoming[0] : incoming;
  req.requestId = candidate !== undefined && ACCEPTABLE_ID.test(candidate) ? candidate : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, req.requestId);
  next();
}
