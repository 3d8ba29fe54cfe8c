import type { SchemaObject } from '@nestjs/swagger';

/** Shapes shared by several features' OpenAPI descriptions. */
export const problemSchema: SchemaObject = {
  type: 'object',
  required: ['path', 'message'],
  properties: {
    code: { type: 'string', description: 'stable problem code, e.g. unknown_dependency' },
    message: { type: 'string' },
    path: { type: 'string', description: 'e.g. steps[2].depends_on[0] or inputs.environment' },
    line: { type: 'integer', description: '1-based line in the submitted source' },
    column: { type: 'integer', description: '1-based column in the submitted source' },
    severity: { type: 'string', enum: ['error', 'warning'] },
  },
};

export const errorBodySchema: SchemaObject = {
  type: 'object',
  required: ['error', 'requestId'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'stable error code, e.g. workflow_not_found' },
        message: { type: 'string' },
        details: {
          type: 'object',
          description: 'e.g. { problems: [...] } for invalid input',
          properties: { problems: { type: 'array', items: problemSchema } },
        },
      },
    },
    requestId: { type: 'string', description: 'echoes X-Request-Id, or a generated id' },
  },
};

export const uuidSchema: SchemaObject = { type: 'string', format: 'uuid' };
export const timestampSchema: SchemaObject = { type: 'string', format: 'date-time' };

/** `?limit=` of every paginated list: 1 to 100 as query text (the default, 50, is the route's). */
export const pageLimitQuerySchema: SchemaObject = {
  type: 'string',
  pattern: '^([1-9][0-9]?|100)$',
  description: '1..100, default 50',
};
