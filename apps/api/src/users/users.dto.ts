import type { SchemaObject } from '@nestjs/swagger';
import { USER_STATUSES, type UserEntity, type UserStatus } from '@warden/persistence';
import { timestampSchema, uuidSchema } from '../http/common.schemas';
import { requestSchema } from '../http/schema-validation';

/** A user as administrators see it: never a password hash, MFA secret or recovery code. */
export interface UserView {
  id: string;
  email: string;
  displayName: string;
  status: UserStatus;
  roles: string[];
  platformAdmin: boolean;
  mfaEnabled: boolean;
  /** True while a lockout after failed sign-ins lasts. */
  locked: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CreateUserBody {
  email: string;
  displayName: string;
  password?: string;
  roles: string[];
}

export interface UpdateUserBody {
  roles?: string[];
  status?: UserStatus;
  displayName?: string;
}

export interface UserListQuery {
  /** 1..1000, default 100. */
  limit?: string;
}

export function toUserView(user: UserEntity, now: Date): UserView {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    status: user.status,
    roles: user.roles,
    platformAdmin: user.platformAdmin,
    mfaEnabled: user.mfaEnabled,
    locked: user.lockedUntil !== null && user.lockedUntil > now,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

/** Role keys as stored on users: built-in or custom; whether each exists is the tenant's to say. */
export const roleKeyListSchema: SchemaObject = {
  type: 'array',
  maxItems: 20,
  uniqueItems: true,
  items: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' },
};
const displayNameSchema: SchemaObject = { type: 'string', minLength: 1, maxLength: 200 };

export const createUserBody = requestSchema<CreateUserBody>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['email', 'displayName', 'roles'],
    properties: {
      email: { type: 'string', minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' },
      displayName: displayNameSchema,
      password: { type: 'string', minLength: 1, maxLength: 1024, writeOnly: true },
      roles: roleKeyListSchema,
    },
  },
  'user',
);

export const updateUserBody = requestSchema<UpdateUserBody>(
  {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      roles: roleKeyListSchema,
      status: { type: 'string', enum: [...USER_STATUSES] },
      displayName: displayNameSchema,
    },
  },
  'user update',
);

export const userListQuery = requestSchema<UserListQuery>(
  {
    type: 'object',
    additionalProperties: false,
    properties: {
      limit: { type: 'string', pattern: '^(?:[1-9][0-9]{0,2}|1000)$', description: '1..1000, default 100' },
    },
  },
  'query',
);

// ---- OpenAPI descriptions ----

const viewProperties: Record<keyof UserView, SchemaObject> = {
  id: uuidSchema,
  email: { type: 'string' },
  displayName: { type: 'string' },
  status: { type: 'string', enum: [...USER_STATUSES] },
  roles: { type: 'array', items: { type: 'string' } },
  platformAdmin: { type: 'boolean' },
  mfaEnabled: { type: 'boolean' },
  locked: { type: 'boolean', description: 'locked out after failed sign-ins' },
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
};

export const userViewSchema: SchemaObject = {
  type: 'object',
  required: Object.keys(viewProperties),
  properties: viewProperties,
};

export const userListSchema: SchemaObject = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: userViewSchema } },
};
