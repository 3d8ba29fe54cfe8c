import { ApiError } from './api-error';

/** Problems with the HTTP request itself, before any feature looks at it. */
export type RequestErrorCode =
  | 'invalid_request'
  | 'malformed_json'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'request_timeout'
  | 'headers_too_large'
  | 'internal_error';

export class RequestError extends ApiError<RequestErrorCode> {}
