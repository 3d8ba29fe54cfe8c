import { Param } from '@nestjs/common';
import { parseReencryptJobId } from '@warden/engine';
import { RequestError } from '../http/request.errors';

const MAX_VERSION = 2 ** 31 - 1;

/**
 * Route parameters of the key routes. Both have a grammar (a version is a positive whole number,
 * a job id is what POST /v1/keys/rotate returned), so a malformed one is the client's mistake: 400
 * naming the parameter, before anything is looked up. The value is never echoed: it may be any
 * text up to the URL limit.
 */
function malformed(param: string, expected: string): RequestError {
  return new RequestError('invalid_request', `${param} is invalid: must be ${expected}`, {
    problems: [{ path: param, message: `must be ${expected}` }],
  });
}

export function keyVersionParam(value: string): number {
  const version = /^[1-9]\d{0,9}$/.test(value) ? Number(value) : NaN;
  if (version <= MAX_VERSION) return version;
  throw malformed('keyVersion', `a whole number from 1 to ${MAX_VERSION}`);
}

/** Another tenant's well-formed job id passes here: the service answers it as a job that does not exist. */
export function jobIdParam(value: string): string {
  if (parseReencryptJobId(value) !== undefined) return value;
  throw malformed('jobId', 'a job id like reencrypt-<tenantId>-v2, as POST /v1/keys/rotate returned it');
}

/** Handler parameters: the validated `:keyVersion` and `:jobId`. */
export const KeyVersionParam = (): ParameterDecorator => Param('keyVersion', { transform: keyVersionParam });
export const JobIdParam = (): ParameterDecorator => Param('jobId', { transform: jobIdParam });
