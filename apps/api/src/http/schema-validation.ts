import type { SchemaObject } from '@nestjs/swagger';
import Ajv, { type ErrorObject } from 'ajv';
import type { ProblemDetail } from './api-error';
import { RequestError } from './request.errors';

const ajv = new Ajv({ allErrors: true, strict: true });

/**
 * A request shape described once: the same JSON Schema validates requests (Ajv) and documents
 * them (OpenAPI), so the docs cannot disagree with what the API accepts.
 */
export interface RequestSchema<T> {
  readonly schema: SchemaObject;
  /** Returns the value typed, or throws `invalid_request` listing every problem with its path. */
  parse(value: unknown): T;
}

/** `rootPath` prefixes every problem's path: a header's name, say, where the value is a bare string. */
export function requestSchema<T>(schema: SchemaObject, what: string, rootPath = ''): RequestSchema<T> {
  const validate = ajv.compile<T>(schema);
  return {
    schema,
    parse(value: unknown): T {
      if (validate(value)) return value;
      const problems = (validate.errors ?? []).map((e) => toProblem(e, rootPath));
      const first = problems[0];
      const summary = first ? `${first.path || what}: ${first.message}` : 'invalid';
      throw new RequestError('invalid_request', `${what} is invalid: ${summary}`, { problems });
    },
  };
}

function toProblem(error: ErrorObject, rootPath: string): ProblemDetail {
  const inner = pointerToPath(error.instancePath);
  const base = inner === '' || inner.startsWith('[') ? `${rootPath}${inner}` : joinPath(rootPath, inner);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    return { path: joinPath(base, params.missingProperty), message: 'is required' };
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return { path: joinPath(base, params.additionalProperty), message: 'is not a known field' };
  }
  return { path: base, message: error.message ?? 'is invalid' };
}

/** `/inputs/name` -> `inputs.name`, `/items/0` -> `items[0]`. */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : joinPath(path, segment)), '');
}

function joinPath(base: string, segment: string): string {
  return base === '' ? segment : `${base}.${segment}`;
}
