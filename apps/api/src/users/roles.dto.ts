import type { SchemaObject } from '@nestjs/swagger';
import { PERMISSIONS, type CustomRole, type PermissionName } from '@warden/authz';
import { requestSchema } from '../http/schema-validation';

export interface RoleView {
  key: string;
  name: string;
  builtIn: boolean;
  /** Built-in roles say what they are for; custom roles have no description. */
  description: string | null;
  extends: string | null;
  add: PermissionName[];
  remove: PermissionName[];
  /** What the role grants after inheritance, in catalog order. */
  permissions: PermissionName[];
}

/** PUT's body: POST's without the key (the path names it). */
export type RoleDefinition = Omit<CustomRole, 'key'>;

const permissionListSchema: SchemaObject = {
  type: 'array',
  maxItems: PERMISSIONS.length,
  uniqueItems: true,
  items: { type: 'string', enum: [...PERMISSIONS] },
};

const definitionProperties: Record<string, SchemaObject> = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  extends: {
    type: 'string',
    pattern: '^[a-z][a-z0-9-]{0,62}$',
    description: 'a built-in or custom role key',
  },
  add: permissionListSchema,
  remove: permissionListSchema,
};

export const ROLE_KEY_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

export const createRoleBody = requestSchema<CustomRole>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['key', 'name', 'add', 'remove'],
    properties: { key: { type: 'string', pattern: ROLE_KEY_PATTERN.source }, ...definitionProperties },
  },
  'role',
);

export const updateRoleBody = requestSchema<RoleDefinition>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'add', 'remove'],
    properties: definitionProperties,
  },
  'role',
);

// ---- OpenAPI descriptions ----

const permissionNames: SchemaObject = { type: 'array', items: { type: 'string', enum: [...PERMISSIONS] } };

export const roleViewSchema: SchemaObject = {
  type: 'object',
  required: ['key', 'name', 'builtIn', 'description', 'extends', 'add', 'remove', 'permissions'],
  properties: {
    key: { type: 'string' },
    name: { type: 'string' },
    builtIn: { type: 'boolean' },
    description: { type: 'string', nullable: true },
    extends: { type: 'string', nullable: true },
    add: permissionNames,
    remove: permissionNames,
    permissions: { ...permissionNames, description: 'resolved through inheritance' },
  },
};

export const roleListSchema: SchemaObject = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: roleViewSchema } },
};
