import type { ServerResponse } from 'node:http';
import { findValueProblem, unstorableCharacterInText } from './input-limits';
import type { WardenRequest } from './request-context';
import { RequestError } from './request.errors';

/**
 * Express middleware placed after the body parsers: every parsed body and query is checked
 * once, before any route sees it, for what would otherwise fail deep inside (a stack overflow,
 * a PostgreSQL encoding error) as a 500. Shape checks stay with each route's schema.
 */
export function inputGuardMiddleware(
  req: WardenRequest,
  _res: ServerResponse,
  next: (err?: unknown) => void,
): void {
  const body = req.body;
  const bodyProblem = typeof body === 'string' ? unstorableCharacterInText(body) : findValueProblem(body);
  if (bodyProblem) {
    next(
      new RequestError(
        'invalid_request',
        `request body is invalid: ${bodyProblem.path || 'request body'}: ${bodyProblem.message}`,
        {
          problems: [bodyProblem],
        },
      ),
    );
    return;
  }
  const queryProblem = findValueProblem(req.query);
  if (queryProblem) {
    next(
      new RequestError('invalid_request', `query is invalid: ${queryProblem.path}: ${queryProblem.message}`, {
        problems: [queryProblem],
      }),
    );
    return;
  }
  next();
}
