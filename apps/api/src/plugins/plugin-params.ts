import { Param } from '@nestjs/common';
import { isPluginId, isStrictSemver } from '@warden/plugins';
import { RequestError } from '../http/request.errors';
import { KEY_ID_SOURCE } from './plugins.dto';

const KEY_ID = new RegExp(KEY_ID_SOURCE);

/**
 * Route parameters of the registry. Unlike UUIDs, these are names with a grammar, so a malformed
 * one is the client's mistake (400 naming the parameter) rather than a name nothing has. The
 * value is never echoed: it may be anything up to the URL limit.
 */
function malformed(param: string, expected: string): RequestError {
  return new RequestError('invalid_request', `${param} is invalid: must be ${expected}`, {
    problems: [{ path: param, message: `must be ${expected}` }],
  });
}

export function pluginIdParam(value: string): string {
  if (isPluginId(value)) return value;
  throw malformed('pluginId', 'a plugin id like acme.slack-notify');
}

export function versionParam(value: string): string {
  if (isStrictSemver(value)) return value;
  throw malformed('version', 'a semver version like 1.2.3');
}

export function keyIdParam(value: string): string {
  if (KEY_ID.test(value)) return value;
  throw malformed('keyId', 'a publisher key id like pk_0123456789abcdef');
}

/** Handler parameters: the validated `:pluginId`, `:version` and `:keyId`. */
export const PluginIdParam = (): ParameterDecorator => Param('pluginId', { transform: pluginIdParam });
export const VersionParam = (): ParameterDecorator => Param('version', { transform: versionParam });
export const KeyIdParam = (): ParameterDecorator => Param('keyId', { transform: keyIdParam });
