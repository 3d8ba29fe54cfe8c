import type { PermissionName } from './catalog';

export type AuthzErrorCode =
  /** A role key that is neither built in nor among the tenant's custom roles. */
  | 'role_unknown'
  /** Custom roles that extend each other in a loop; `details.cycle` is the path. */
  | 'role_cycle'
  /** A custom role whose key is a built-in role key. */
  | 'role_key_reserved'
  /** Two custom roles with the same key in one set. */
  | 'role_duplicate'
  /** A custom role with a malformed key or name, or a permission both added and removed. */
  | 'role_invalid'
  /** A string that is not in the permission catalog. */
  | 'permission_unknown'
  /** A resource grant whose resource type does not match its permission, or without an id. */
  | 'grant_invalid'
  /** A principal without a tenant. */
  | 'principal_invalid'
  /** The granter lacks a permission the caller needs to perform the change itself. */
  | 'permission_denied'
  /** The granter would hand out permissions it does not hold; `details.missing` lists them. */
  | 'escalation'
  /** Only an Owner may change the roles of an Owner. */
  | 'owner_protected'
  /** The change would leave the tenant without an Owner. */
  | 'last_owner';

export interface AuthzErrorDetails {
  /** Permissions the granter lacks (`escalation`, `permission_denied`). */
  readonly missing?: readonly PermissionName[];
  /** Role keys along a cycle, first key repeated at the end (`role_cycle`). */
  readonly cycle?: readonly string[];
  /** The role key or permission string the error is about. */
  readonly subject?: string;
}

/** A refused authorization model change or a malformed role, grant or principal. */
export class AuthzError extends Error {
  constructor(
    readonly code: AuthzErrorCode,
    message: string,
    readonly details: AuthzErrorDetails = {},
  ) {
    super(message);
    this.name = 'AuthzError';
  }
}
