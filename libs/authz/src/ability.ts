/**
 * Builds the CASL ability of one principal in one tenant. Default deny: the ability holds only
 * positive rules, and every rule is conditioned on the principal's tenant, so an object-level
 * check against another tenant's resource fails even when the action itself is allowed.
 */
import {
  AbilityBuilder,
  createMongoAbility,
  subject,
  type ForcedSubject,
  type MongoAbility,
} from '@casl/ability';
import { AuthzError } from './authz.errors';
import {
  caslPermission,
  RESOURCE_SUBJECTS,
  type CaslAction,
  type CaslSubject,
  type PermissionName,
} from './catalog';
import { assertKnownPermission, resolveRolesPermissions, type CustomRole } from './custom-roles';

/** One permission on one resource, e.g. a Viewer allowed to execute one workflow. */
export interface ResourceGrant {
  readonly permission: PermissionName;
  /** The CASL subject of the permission: `Workflow` for `workflow:execute`. */
  readonly resourceType: CaslSubject;
  readonly resourceId: string;
}

/** Who is asking, as the API knows them after authentication. */
export interface Principal {
  readonly tenantId: string;
  /** Built-in or custom role keys. */
  readonly roles: readonly string[];
  /** The tenant's custom roles (all of them, so inheritance resolves). */
  readonly customRoles: readonly CustomRole[];
  readonly grants: readonly ResourceGrant[];
  /** Operators of the Warden installation: `tenant:manage` on every tenant. */
  readonly platformAdmin?: boolean;
  /**
   * API keys: the key's permission list. The principal then holds only the intersection of
   * this list with what its owner holds (roles, grants and platform admin alike).
   */
  readonly restrictTo?: readonly PermissionName[];
}

/** What an object-level check looks at: the resource's tenant and, for grants, its id. */
export interface TenantResource {
  readonly tenantId: string;
  readonly id?: string;
}

/** A resource tagged with its CASL subject type, one member per subject. */
type TaggedResource = { [S in CaslSubject]: ForcedSubject<S> & TenantResource }[CaslSubject];

export type WardenAbility = MongoAbility<[CaslAction, CaslSubject | TaggedResource]>;

/** A Set that a missing `restrictTo` leaves unlimited. */
function restriction(principal: Principal): ReadonlySet<PermissionName> | undefined {
  if (principal.restrictTo === undefined) return undefined;
  for (const permission of principal.restrictTo) assertKnownPermission(permission);
  return new Set(principal.restrictTo);
}

/**
 * The permissions the principal holds tenant-wide through its roles, narrowed by `restrictTo`.
 * Resource grants and platform admin are not included: they hold on some resources only.
 */
export function effectivePermissions(principal: Principal): Set<PermissionName> {
  const permissions = resolveRolesPermissions(principal.roles, principal.customRoles);
  const allowed = restriction(principal);
  if (allowed !== undefined)
    for (const permission of permissions) if (!allowed.has(permission)) permissions.delete(permission);
  return permissions;
}

function assertValidGrant(grant: ResourceGrant): void {
  assertKnownPermission(grant.permission);
  const expected = RESOURCE_SUBJECTS[grant.permission.split(':')[0] as keyof typeof RESOURCE_SUBJECTS];
  if (grant.resourceType !== expected)
    throw new AuthzError(
      'grant_invalid',
      `A grant of '${grant.permission}' applies to a ${expected}, not a ${grant.resourceType}`,
      { subject: grant.permission },
    );
  if (grant.resourceId.length === 0)
    throw new AuthzError('grant_invalid', `A grant of '${grant.permission}' needs a resource id`, {
      subject: grant.permission,
    });
}

/** Resource ids per granted permission, leaving out what the roles already allow tenant-wide. */
function grantedIds(
  principal: Principal,
  tenantWide: ReadonlySet<PermissionName>,
): Map<PermissionName, string[]> {
  const allowed = restriction(principal);
  const ids = new Map<PermissionName, string[]>();
  for (const grant of principal.grants) {
    assertValidGrant(grant);
    if (tenantWide.has(grant.permission)) continue;
    if (allowed !== undefined && !allowed.has(grant.permission)) continue;
    const list = ids.get(grant.permission);
    if (list === undefined) ids.set(grant.permission, [grant.resourceId]);
    else list.push(grant.resourceId);
  }
  return ids;
}

/** The principal's ability. Build it once per request (or cache it per principal version). */
export function buildAbility(principal: Principal): WardenAbility {
  if (principal.tenantId.length === 0)
    throw new AuthzError('principal_invalid', 'A principal needs a tenant id');
  const { tenantId } = principal;
  const { can, build } = new AbilityBuilder<WardenAbility>(createMongoAbility);
  const tenantWide = effectivePermissions(principal);
  for (const permission of tenantWide) {
    const { action, subject: type } = caslPermission(permission);
    can(action, type, { tenantId });
  }
  for (const [permission, ids] of grantedIds(principal, tenantWide)) {
    const { action, subject: type } = caslPermission(permission);
    can(action, type, { tenantId, id: { $in: ids } });
  }
  const restrictTo = principal.restrictTo;
  if (
    principal.platformAdmin === true &&
    (restrictTo === undefined || restrictTo.includes('tenant:manage'))
  ) {
    // The one rule without a tenant condition: platform operators administer every tenant.
    const { action, subject: type } = caslPermission('tenant:manage');
    can(action, type);
  }
  return build();
}

/**
 * Object-level check: may the principal do `permission` on this resource? Use it once the
 * resource is loaded (or, for create, with the tenant the new resource will belong to).
 * Another tenant's resource is always denied; a grant matches only its resource id.
 */
export function canOn(ability: WardenAbility, permission: PermissionName, resource: TenantResource): boolean {
  const { action, subject: type } = caslPermission(permission);
  return ability.can(action, subject(type, { tenantId: resource.tenantId, id: resource.id }));
}

/**
 * Type-level check: may the principal do `permission` on at least some resource? True when any
 * rule could match, including a grant on a single resource, so it only decides whether a route
 * (list, create) is worth entering; results must still be filtered or checked with `canOn`.
 */
export function canAny(ability: WardenAbility, permission: PermissionName): boolean {
  const { action, subject: type } = caslPermission(permission);
  return ability.can(action, type);
}
