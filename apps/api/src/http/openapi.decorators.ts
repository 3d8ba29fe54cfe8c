import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { errorBodySchema } from './common.schemas';

const DESCRIPTIONS: Record<number, string> = {
  400: 'invalid input; details.problems lists every problem with its path',
  403: 'not allowed',
  404: 'not found',
  409: 'conflicts with the current state',
  413: 'request body too large',
  415: 'unsupported content type',
  503: 'a dependency (PostgreSQL or Temporal) is unavailable',
};

/** Documents the error responses a route can give; all share one body shape. */
export function ApiErrorResponses(...statuses: number[]): MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'error', schema: errorBodySchema }),
    ),
  );
}
