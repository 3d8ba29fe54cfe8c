import type { CredentialType } from '@warden/persistence';
import Ajv, { type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import type { ProblemDetail } from '../http/api-error';
import { pointerToPath } from '../http/schema-validation';
import { VaultError } from './credentials.errors';

/** A value's longest string: room for a PEM key or a JWT, not for a file. */
const MAX_VALUE_LENGTH = 16_384;
const MAX_CUSTOM_FIELDS = 50;
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";
const FIELD_NAME = '^[A-Za-z_][A-Za-z0-9_.-]{0,63}$';

const secret: SchemaObject = { type: 'string', minLength: 1, maxLength: MAX_VALUE_LENGTH };

const object = (required: string[], properties: Record<string, SchemaObject>): SchemaObject => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});

/**
 * The shape of `data` for each credential type; every value is a string (or, for OAuth scopes,
 * strings), since each ends up in a header, a form or a plugin's hands as text.
 */
export const CREDENTIAL_DATA_SCHEMAS: Readonly<Record<CredentialType, SchemaObject>> = {
  'api-key': object(['key'], {
    key: secret,
    header: { type: 'string', maxLength: 100, pattern: HEADER_NAME, description: 'e.g. X-Api-Key' },
  }),
  basic: object(['username', 'password'], { username: secret, password: secret }),
  bearer: object(['token'], { token: secret }),
  'oauth2-client': object(['clientId', 'clientSecret', 'tokenUrl'], {
    clientId: secret,
    clientSecret: secret,
    // The client secret travels to it: https, or plain http to this machine only (local tests).
    tokenUrl: {
      type: 'string',
      maxLength: 2048,
      pattern: '^(https://[^\\s]+|http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{1,5})?(/[^\\s]*)?)$',
    },
    scopes: {
      type: 'array',
      maxItems: 100,
      items: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\s]+$' },
    },
  }),
  custom: {
    type: 'object',
    minProperties: 1,
    maxProperties: MAX_CUSTOM_FIELDS,
    propertyNames: { pattern: FIELD_NAME },
    additionalProperties: { type: 'string', maxLength: MAX_VALUE_LENGTH },
  },
};

/** Data that passed its type's checks, as it is encrypted, and the names shown as metadata. */
export interface CheckedCredentialData {
  json: string;
  fieldNames: string[];
}

const ajv = new Ajv({ allErrors: true, strict: true });
const validators = Object.fromEntries(
  Object.entries(CREDENTIAL_DATA_SCHEMAS).map(([type, schema]) => [type, ajv.compile(schema)]),
) as Record<CredentialType, ValidateFunction>;

/**
 * Checks `data` against its type's shape; VaultError `credential_data_invalid` lists every
 * problem with a code and a path under `data`. No message ever quotes a value: they are secrets.
 */
export function checkCredentialData(type: CredentialType, data: unknown): CheckedCredentialData {
  const validate = validators[type];
  if (!validate(data)) {
    // A bad field name also yields its inner `pattern` error (marked with propertyName): once is enough.
    const problems = (validate.errors ?? []).filter((e) => e.propertyName === undefined).map(toProblem);
    const first = problems[0];
    throw new VaultError(
      'credential_data_invalid',
      `data is not a valid ${type} credential: ${first ? `${first.path}: ${first.message}` : 'invalid'}`,
      { problems },
    );
  }
  const value = data as Record<string, unknown>;
  return { json: JSON.stringify(value), fieldNames: Object.keys(value).sort() };
}

function toProblem(error: ErrorObject): ProblemDetail {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { code: 'missing_field', path: dataPath(error, params.missingProperty), message: 'is required' };
    case 'additionalProperties':
      return {
        code: 'unknown_field',
        path: dataPath(error, params.additionalProperty),
        message: 'is not a field of this credential type',
      };
    case 'propertyNames':
      return {
        code: 'invalid_field_name',
        path: dataPath(error, params.propertyName),
        message: `must match ${FIELD_NAME}`,
      };
    case 'type':
      return { code: 'wrong_type', path: dataPath(error), message: error.message ?? 'has the wrong type' };
    default:
      return { code: 'invalid_value', path: dataPath(error), message: error.message ?? 'is invalid' };
  }
}

/** As the request body reads: `data.password`, `data.scopes[0]`; `property` a field name, never a value. */
function dataPath(error: ErrorObject, property?: unknown): string {
  const inner = pointerToPath(error.instancePath);
  const path = inner === '' ? 'data' : inner.startsWith('[') ? `data${inner}` : `data.${inner}`;
  return typeof property === 'string' ? `${path}.${property}` : path;
}
