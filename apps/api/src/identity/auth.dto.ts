import type { SchemaObject } from '@nestjs/swagger';
import { PERMISSIONS, type PermissionName } from '@warden/authz';
import { uuidSchema } from '../http/common.schemas';
import { RequestError } from '../http/request.errors';
import { requestSchema, type RequestSchema } from '../http/schema-validation';

// ---- requests ----

export interface LoginBody {
  tenant: string;
  email: string;
  password: string;
  totp?: string;
  recoveryCode?: string;
}

const loginShape = requestSchema<LoginBody>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['tenant', 'email', 'password'],
    properties: {
      tenant: { type: 'string', minLength: 1, maxLength: 63, description: "the tenant's slug" },
      email: { type: 'string', minLength: 1, maxLength: 320 },
      // Longer than the password policy allows, so an over-long guess is "wrong", not "invalid".
      password: { type: 'string', minLength: 1, maxLength: 1024 },
      totp: { type: 'string', minLength: 1, maxLength: 16, description: 'the current authenticator code' },
      recoveryCode: { type: 'string', minLength: 1, maxLength: 64, description: 'one of the recovery codes' },
    },
  },
  'request body',
);

/** Also refuses `totp` and `recoveryCode` together: a sign-in presents one second factor. */
export const loginBody: RequestSchema<LoginBody> = {
  schema: { ...loginShape.schema, description: 'send at most one of totp and recoveryCode' },
  parse(value: unknown): LoginBody {
    const body = loginShape.parse(value);
    if (body.totp !== undefined && body.recoveryCode !== undefined) {
      const problem = { path: 'recoveryCode', message: 'must not be sent together with totp' };
      throw new RequestError(
        'invalid_request',
        `request body is invalid: ${problem.path}: ${problem.message}`,
        {
          problems: [problem],
        },
      );
    }
    return body;
  },
};

export interface RefreshBody {
  refreshToken: string;
}

export const refreshBody = requestSchema<RefreshBody>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['refreshToken'],
    properties: { refreshToken: { type: 'string', minLength: 1, maxLength: 256 } },
  },
  'request body',
);

// ---- responses ----

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  tokenType: 'Bearer';
}

export interface LoginResult extends TokenPair {
  /** The tenant requires MFA of one of the user's roles and the user has not enrolled yet. */
  mfaEnrollmentRequired: boolean;
}

export interface Me {
  kind: 'user' | 'api_key';
  userId: string;
  /** Set when the caller is an API key. */
  apiKeyId: string | null;
  email: string;
  displayName: string;
  tenant: { id: string; slug: string };
  roles: string[];
  platformAdmin: boolean;
  /** Held tenant-wide (an API key: only those of its list that its owner holds). */
  permissions: PermissionName[];
  /** Single-resource grants on top of `permissions`. */
  grants: { permission: string; resourceType: string; resourceId: string }[];
  mfaEnabled: boolean;
}

// ---- OpenAPI descriptions ----

const tokenPairProperties: Record<string, SchemaObject> = {
  accessToken: {
    type: 'string',
    description: 'EdDSA-signed JWT (typ at+jwt); send as `Authorization: Bearer`',
  },
  refreshToken: { type: 'string', description: 'single use: trade it at /v1/auth/refresh for the next pair' },
  expiresIn: { type: 'integer', description: 'seconds until the access token expires' },
  tokenType: { type: 'string', enum: ['Bearer'] },
};

export const tokenPairSchema: SchemaObject = {
  type: 'object',
  required: Object.keys(tokenPairProperties),
  properties: tokenPairProperties,
};

export const loginResultSchema: SchemaObject = {
  type: 'object',
  required: [...Object.keys(tokenPairProperties), 'mfaEnrollmentRequired'],
  properties: {
    ...tokenPairProperties,
    mfaEnrollmentRequired: {
      type: 'boolean',
      description:
        "true: the tenant requires MFA for one of the user's roles; enroll at /v1/auth/mfa/totp/enroll",
    },
  },
};

export const meSchema: SchemaObject = {
  type: 'object',
  required: [
    'kind',
    'userId',
    'apiKeyId',
    'email',
    'displayName',
    'tenant',
    'roles',
    'platformAdmin',
    'permissions',
    'grants',
    'mfaEnabled',
  ],
  properties: {
    kind: { type: 'string', enum: ['user', 'api_key'] },
    userId: uuidSchema,
    apiKeyId: { ...uuidSchema, nullable: true },
    email: { type: 'string' },
    displayName: { type: 'string' },
    tenant: {
      type: 'object',
      required: ['id', 'slug'],
      properties: { id: uuidSchema, slug: { type: 'string' } },
    },
    roles: { type: 'array', items: { type: 'string' } },
    platformAdmin: { type: 'boolean' },
    permissions: { type: 'array', items: { type: 'string', enum: [...PERMISSIONS] } },
    grants: {
      type: 'array',
      items: {
        type: 'object',
        required: ['permission', 'resourceType', 'resourceId'],
        properties: {
          permission: { type: 'string' },
          resourceType: { type: 'string' },
          resourceId: { type: 'string' },
        },
      },
    },
    mfaEnabled: { type: 'boolean' },
  },
};

export const jwksSchema: SchemaObject = {
  type: 'object',
  required: ['keys'],
  properties: {
    keys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kty', 'crv', 'x', 'kid', 'alg', 'use'],
        properties: {
          kty: { type: 'string', enum: ['OKP'] },
          crv: { type: 'string', enum: ['Ed25519'] },
          x: { type: 'string' },
          kid: { type: 'string' },
          alg: { type: 'string', enum: ['EdDSA'] },
          use: { type: 'string', enum: ['sig'] },
        },
      },
    },
  },
};
