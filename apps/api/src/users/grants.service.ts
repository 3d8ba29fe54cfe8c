import { Injectable } from '@nestjs/common';
import {
  assertCanGrantPermissions,
  RESOURCE_SUBJECTS,
  type CaslSubject,
  type ResourceName,
} from '@warden/authz';
import {
  ApiKeyRepository,
  GrantRepository,
  PersistenceError,
  RunRepository,
  UserRepository,
  withTenant,
  WorkflowRepository,
  type TenantScope,
  type TenantTransaction,
} from '@warden/persistence';
import { DataSource } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditTrail } from '../audit/audit-trail';
import type { Principal } from '../http/request-context';
import { withAuditedRefusal } from './audited-refusal';
import { findGrant, listGrants } from './grant-queries';
import { toGrantView, type CreateGrantBody, type GrantListQuery, type GrantView } from './grants.dto';
import { GranterLoader } from './granter';
import { UserAdminError } from './users.errors';

const LIST_LIMIT = 1000;

/** The resource types a grant may name today: the ones this API can look up in the tenant. */
const GRANTABLE_SUBJECTS: readonly CaslSubject[] = ['Workflow', 'Run'];

@Injectable()
export class GrantsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: GrantRepository,
    private readonly users: UserRepository,
    private readonly apiKeys: ApiKeyRepository,
    private readonly workflows: WorkflowRepository,
    private readonly runs: RunRepository,
    private readonly granters: GranterLoader,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * The principal and the resource must both be in the caller's tenant (row-level security
   * hides every other tenant's rows, so another tenant's workflow is simply not found), and the
   * caller must hold the permission tenant-wide (assertCanGrantPermissions).
   */
  async create(
    scope: TenantScope,
    caller: Principal,
    body: CreateGrantBody,
    context: AuditContext,
  ): Promise<GrantView> {
    assertGrantShape(body);
    const attempt = { action: 'grant.create', target: { type: 'grant', id: null }, details: { grant: body } };
    return withAuditedRefusal(
      this.audit,
      scope,
      context,
      attempt,
      () =>
        withTenant(this.dataSource, scope, async (tx) => {
          await this.assertPrincipalExists(tx, body);
          await this.assertResourceExists(tx, body);
          const granter = await this.granters.load(tx, caller);
          assertCanGrantPermissions(granter.principal, [body.permission]);
          const grant = await this.grants
            .create(tx, {
              principal: { type: body.principalType, id: body.principalId },
              permission: body.permission,
              resourceType: body.resourceType,
              resourceId: body.resourceId,
              grantedBy: caller.userId,
            })
            .catch((err: unknown) => {
              if (err instanceof PersistenceError && err.code === 'grant_exists') {
                throw new UserAdminError('grant_exists', err.message);
              }
              throw err;
            });
          await this.audit.record(tx, context, { ...attempt, target: { type: 'grant', id: grant.id } });
          return toGrantView(grant);
        }),
      'permission',
    );
  }

  async list(scope: TenantScope, query: GrantListQuery): Promise<GrantView[]> {
    const grants = await withTenant(this.dataSource, scope, (tx) => listGrants(tx, query, LIST_LIMIT));
    return grants.map(toGrantView);
  }

  async delete(scope: TenantScope, grantId: string, context: AuditContext): Promise<void> {
    await withTenant(this.dataSource, scope, async (tx) => {
      const grant = await findGrant(tx, grantId);
      if (!grant || !(await this.grants.delete(tx, grantId))) {
        throw new UserAdminError('grant_not_found', `no grant with id '${grantId}'`);
      }
      await this.audit.record(tx, context, {
        action: 'grant.delete',
        target: { type: 'grant', id: grantId },
        details: { grant: toGrantView(grant) },
      });
    });
  }

  private async assertPrincipalExists(tx: TenantTransaction, body: CreateGrantBody): Promise<void> {
    const found =
      body.principalType === 'user'
        ? await this.users.findById(tx, body.principalId)
        : await this.apiKeys.findById(tx, body.principalId);
    if (!found) {
      throw new UserAdminError(
        'principal_not_found',
        `no ${body.principalType} '${body.principalId}' in this tenant`,
        {
          problems: [{ path: 'principalId', message: 'names nobody in this tenant' }],
        },
      );
    }
  }

  private async assertResourceExists(tx: TenantTransaction, body: CreateGrantBody): Promise<void> {
    const found =
      body.resourceType === 'Workflow'
        ? await this.workflows.findById(tx, body.resourceId)
        : await this.runs.findById(tx, body.resourceId);
    if (!found) {
      throw new UserAdminError(
        'resource_not_found',
        `no ${body.resourceType} '${body.resourceId}' in this tenant`,
        {
          problems: [{ path: 'resourceId', message: 'names nothing in this tenant' }],
        },
      );
    }
  }
}

/** The resource type must be the permission's subject, and one this API can look up. */
function assertGrantShape(body: CreateGrantBody): void {
  const expected = RESOURCE_SUBJECTS[body.permission.split(':')[0] as ResourceName];
  if (body.resourceType !== expected) {
    throw new UserAdminError(
      'grant_invalid',
      `'${body.permission}' is granted on a ${expected}, not a ${body.resourceType}`,
      {
        problems: [{ path: 'resourceType', message: `must be '${expected}' for ${body.permission}` }],
      },
    );
  }
  if (!GRANTABLE_SUBJECTS.includes(expected)) {
    throw new UserAdminError('grant_invalid', `grants on ${expected} resources are not supported yet`, {
      problems: [
        { path: 'permission', message: `must be a permission on ${GRANTABLE_SUBJECTS.join(' or ')}` },
      ],
    });
  }
}
