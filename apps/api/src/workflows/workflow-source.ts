import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { SourceFormat } from '@warden/persistence';
import type { WardenRequest } from '../http/request-context';
import { mediaTypeOf, requestHasBody } from '../http/request-body';
import { RequestError } from '../http/request.errors';

export const YAML_MEDIA_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** The definition text exactly as the client wrote it, so problems point at its lines. */
export interface WorkflowSource {
  text: string;
  format: SourceFormat;
}

export interface RawRequestBody {
  contentType?: string;
  /** What the body parsers produced: a string for YAML, a value for JSON, undefined otherwise. */
  body: unknown;
  /** Exact bytes of a JSON body. */
  rawBody?: Buffer;
  /** Whether the client sent any body bytes (whatever their type). */
  hasBody?: boolean;
}

/**
 * Accepts `application/yaml` (and its aliases) as raw text, or JSON: either the definition
 * itself or `{ "source": "<yaml or json text>" }`.
 */
export function workflowSourceFrom(request: RawRequestBody): WorkflowSource {
  const mediaType = mediaTypeOf(request.contentType);
  if (YAML_MEDIA_TYPES.includes(mediaType)) {
    const text = typeof request.body === 'string' ? request.body : '';
    return { text: nonEmpty(text), format: 'yaml' };
  }
  if (mediaType === 'application/json') {
    const { body } = request;
    if (body === undefined) throw emptyBody();
    if (isPlainObject(body) && 'source' in body) return fromSourceEnvelope(body);
    const text = request.rawBody ? request.rawBody.toString('utf8') : JSON.stringify(body, null, 2);
    return { text: nonEmpty(text), format: 'json' };
  }
  if (mediaType === '' && !request.hasBody) throw emptyBody();
  throw new RequestError(
    'unsupported_media_type',
    `content type '${mediaType || '(none)'}' is not accepted; send application/yaml or application/json`,
    { accepted: [...YAML_MEDIA_TYPES, 'application/json'] },
  );
}

function fromSourceEnvelope(body: Record<string, unknown>): WorkflowSource {
  const extra = Object.keys(body).filter((k) => k !== 'source');
  if (extra.length > 0) {
    throw new RequestError('invalid_request', `unknown field '${extra[0]}' next to 'source'`, {
      problems: extra.map((k) => ({ path: k, message: 'is not a known field' })),
    });
  }
  if (typeof body.source !== 'string') {
    throw new RequestError('invalid_request', "'source' must be a string holding YAML or JSON", {
      problems: [{ path: 'source', message: 'must be string' }],
    });
  }
  const text = nonEmpty(body.source);
  return { text, format: /^\s*[{[]/.test(text) ? 'json' : 'yaml' };
}

function nonEmpty(text: string): string {
  if (text.trim() === '') throw emptyBody();
  return text;
}

function emptyBody(): RequestError {
  return new RequestError('invalid_request', 'request body is empty; send a workflow definition', {
    problems: [{ path: '', message: 'is required' }],
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Handler parameter: the posted definition text (see workflowSourceFrom). */
export const WorkflowSourceBody = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<WardenRequest>();
  return workflowSourceFrom({
    contentType: request.headers['content-type'],
    body: request.body,
    rawBody: request.rawBody,
    hasBody: requestHasBody(request),
  });
});
