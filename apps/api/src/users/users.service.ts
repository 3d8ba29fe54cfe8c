import { Injectable } from '@nestjs/common';
import { assertCanAssignRole, assertCanChangeUserRoles } from '@warden/authz';
import {
  PersistenceError,
  UserRepository,
  withTenant,
  type TenantScope,
  type UserEntity,
  type UserUpdate,
} from '@warden/persistence';
import { DataSource } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditTrail } from '../audit/audit-trail';
import type { Principal } from '../http/request-context';
import { countActiveHolders, lockAccessModel } from './access-model-lock';
import { withAuditedRefusal } from './audited-refusal';
import { GranterLoader } from './granter';
import { adminSetPasswordHash } from './user-password';
import { toUserView, type CreateUserBody, type UpdateUserBody, type UserView } from './users.dto';
import { UserAdminError } from './users.errors';

const OWNER_ROLE = 'owner';

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserRepository,
    private readonly granters: GranterLoader,
    private readonly audit: AuditTrail,
  ) {}

  /** Every role is checked with assertCanAssignRole: nobody creates a user above themselves. */
  async create(
    scope: TenantScope,
    caller: Principal,
    body: CreateUserBody,
    context: AuditContext,
  ): Promise<UserView> {
    const passwordHash =
      body.password === undefined ? null : await adminSetPasswordHash(body.password, body.email, 'password');
    const attempt = {
      action: 'user.create',
      target: { type: 'user', id: null },
      details: { email: body.email, roles: body.roles },
    };
    const user = await withAuditedRefusal(this.audit, scope, context, attempt, () =>
      withTenant(this.dataSource, scope, async (tx) => {
        await lockAccessModel(tx);
        const granter = await this.granters.load(tx, caller);
        for (const role of body.roles) assertCanAssignRole(granter.principal, role, granter.customRoles);
        const created = await this.users
          .create(tx, { email: body.email, displayName: body.displayName, passwordHash, roles: body.roles })
          .catch((err: unknown) => {
            if (err instanceof PersistenceError && err.code === 'user_email_taken') {
              throw new UserAdminError('user_exists', `a user with email '${body.email}' already exists`, {
                problems: [{ path: 'email', message: 'is already taken' }],
              });
            }
            throw err;
          });
        await this.audit.record(tx, context, { ...attempt, target: { type: 'user', id: created.id } });
        return created;
      }),
    );
    return toUserView(user, new Date());
  }

  async list(scope: TenantScope, limit: number): Promise<UserView[]> {
    const now = new Date();
    return (await this.users.list(scope, limit)).map((user) => toUserView(user, now));
  }

  async get(scope: TenantScope, userId: string): Promise<UserView> {
    const user = await this.users.findById(scope, userId);
    if (!user) throw notFound(userId);
    return toUserView(user, new Date());
  }

  /**
   * Role changes pass assertCanChangeUserRoles (only an Owner touches an Owner; the last Owner
   * stays). Disabling a user counts as taking all their roles away and enabling one as giving
   * them back, so an Admin can neither disable an Owner nor revive a disabled one.
   */
  async update(
    scope: TenantScope,
    caller: Principal,
    userId: string,
    body: UpdateUserBody,
    context: AuditContext,
  ): Promise<UserView> {
    const attempt = {
      action: body.roles !== undefined ? 'user.roles_change' : 'user.update',
      target: { type: 'user', id: userId },
      details: { requested: body },
    };
    const updated = await withAuditedRefusal(
      this.audit,
      scope,
      context,
      attempt,
      () =>
        withTenant(this.dataSource, scope, async (tx) => {
          await lockAccessModel(tx);
          const target = await this.users.findById(tx, userId);
          if (!target) throw notFound(userId);
          const granter = await this.granters.load(tx, caller);
          const nextRoles = body.roles ?? target.roles;
          const nextStatus = body.status ?? target.status;
          assertCanChangeUserRoles(
            granter.principal,
            target.status === 'active' ? target.roles : [],
            nextStatus === 'active' ? nextRoles : [],
            { customRoles: granter.customRoles, ownerCount: await countActiveHolders(tx, OWNER_ROLE) },
          );
          const changes: UserUpdate = {};
          if (body.displayName !== undefined && body.displayName !== target.displayName) {
            changes.displayName = body.displayName;
          }
          if (nextStatus !== target.status) changes.status = nextStatus;
          const rolesChanged = !sameRoles(target.roles, nextRoles);
          if (rolesChanged) changes.roles = nextRoles;
          if (Object.keys(changes).length === 0) return target;

          await this.users.update(tx, userId, changes);
          if (rolesChanged) {
            await this.audit.record(tx, context, {
              action: 'user.roles_change',
              target: { type: 'user', id: userId },
              details: { from: target.roles, to: nextRoles },
            });
          }
          const otherChanges = fieldChanges(target, changes);
          if (Object.keys(otherChanges).length > 0) {
            await this.audit.record(tx, context, {
              action: 'user.update',
              target: { type: 'user', id: userId },
              details: { changes: otherChanges },
            });
          }
          return (await this.users.findById(tx, userId)) ?? target;
        }),
      body.roles !== undefined ? 'roles' : 'status',
    );
    return toUserView(updated, new Date());
  }
}

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}

/** Display name and status changes; roles have their own event. */
function fieldChanges(
  before: UserEntity,
  changes: UserUpdate,
): Record<string, { from: unknown; to: unknown }> {
  const result: Record<string, { from: unknown; to: unknown }> = {};
  if (changes.displayName !== undefined)
    result.displayName = { from: before.displayName, to: changes.displayName };
  if (changes.status !== undefined) result.status = { from: before.status, to: changes.status };
  return result;
}

function notFound(userId: string): UserAdminError {
  return new UserAdminError('user_not_found', `no user with id '${userId}'`);
}
