import { randomUUID } from 'node:crypto';
import { exampleWithName, startApiHarness, type ApiHarness, type TestUser } from './api-harness';

interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: { missing?: string[]; cycle?: string[]; holders?: number; problems?: { path: string }[] };
  };
}
interface UserBody {
  id: string;
  roles: string[];
  status: string;
}
interface RoleBody {
  key: string;
  builtIn: boolean;
  permissions: string[];
}
interface TenantBody {
  id: string;
  slug: string;
  isolation: string;
  namespace: string;
  quotas: Record<string, number>;
  owner: { id: string; email: string } | null;
}
interface AuditPage {
  items: {
    action: string;
    outcome: string;
    target: { id: string | null };
    details: Record<string, unknown>;
  }[];
}

const STRONG_PASSWORD = 'correct horse battery staple';

describe('API: access administration (users, custom roles, grants, tenants)', () => {
  let api: ApiHarness;
  let admin: TestUser;
  const suffix = randomUUID().slice(0, 8);
  const email = (who: string): string => `${who}-${randomUUID().slice(0, 8)}@example.test`;

  beforeAll(async () => {
    api = await startApiHarness();
    admin = await api.createUser(['admin']);
  });
  afterAll(async () => {
    await api.close();
  });

  describe('users', () => {
    it('lets an Admin add a Developer, and never shows password hashes or MFA secrets', async () => {
      const created = await api.call<UserBody>('POST', '/v1/users', {
        token: admin.token,
        json: { email: email('dev'), displayName: 'Dev', password: STRONG_PASSWORD, roles: ['developer'] },
      });
      expect(created.status).toBe(201);
      expect(created.body.roles).toEqual(['developer']);
      const listed = await api.call<{ items: UserBody[] }>('GET', '/v1/users', { token: admin.token });
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((u) => u.id)).toContain(created.body.id);
      for (const text of [created.text, listed.text]) {
        expect(text).not.toMatch(/passwordHash|password_hash|mfaSecret|recovery|\$argon2/);
      }
    });

    it('refuses an Admin making someone Owner, on create and on update (403 escalation)', async () => {
      const onCreate = await api.call<ErrorBody>('POST', '/v1/users', {
        token: admin.token,
        json: { email: email('would-be-owner'), displayName: 'X', roles: ['owner'] },
      });
      expect(onCreate.status).toBe(403);
      expect(onCreate.body.error.code).toBe('escalation');
      expect(onCreate.body.error.details?.missing).toEqual(['audit:read', 'audit:export', 'tenant:manage']);

      const viewer = await api.createUser(['viewer']);
      const onUpdate = await api.call<ErrorBody>('PATCH', `/v1/users/${viewer.userId}`, {
        token: admin.token,
        json: { roles: ['viewer', 'owner'] },
      });
      expect(onUpdate.status).toBe(403);
      expect(onUpdate.body.error.code).toBe('escalation');
      const after = await api.call<UserBody>('GET', `/v1/users/${viewer.userId}`, { token: admin.token });
      expect(after.body.roles).toEqual(['viewer']);
    });

    it('refuses an Admin demoting, removing or disabling an Owner (403 owner_protected)', async () => {
      const owner2 = await api.createUser(['owner']);
      for (const json of [{ roles: ['admin'] }, { roles: [] }, { status: 'disabled' }]) {
        const response = await api.call<ErrorBody>('PATCH', `/v1/users/${owner2.userId}`, {
          token: admin.token,
          json,
        });
        expect(response.status).toBe(403);
        expect(response.body.error.code).toBe('owner_protected');
      }
      const after = await api.call<UserBody>('GET', `/v1/users/${owner2.userId}`, { token: admin.token });
      expect(after.body).toMatchObject({ roles: ['owner'], status: 'active' });
    });

    it('keeps the last Owner (409 last_owner); with two Owners one may demote the other, audited', async () => {
      const tenant = await api.createTenant();
      const solo = await api.createUser(['owner'], { tenant });
      const refused = await api.call<ErrorBody>('PATCH', `/v1/users/${solo.userId}`, {
        token: solo.token,
        json: { roles: ['admin'] },
      });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('last_owner');

      const second = await api.createUser(['owner'], { tenant });
      const demoted = await api.call<UserBody>('PATCH', `/v1/users/${second.userId}`, {
        token: solo.token,
        json: { roles: ['admin'] },
      });
      expect(demoted.status).toBe(200);
      expect(demoted.body.roles).toEqual(['admin']);

      const trail = await api.call<AuditPage>('GET', '/v1/audit?action=user.roles_change', {
        token: solo.token,
      });
      expect(trail.body.items[0]).toMatchObject({
        outcome: 'success',
        target: { id: second.userId },
        details: { from: ['owner'], to: ['admin'] },
      });
      expect(trail.body.items[1]).toMatchObject({ outcome: 'denied', details: { refusal: 'last_owner' } });
    });

    it('answers 403 to callers without user:manage and 404 for unknown users', async () => {
      const viewer = await api.createUser(['viewer']);
      expect((await api.call('GET', '/v1/users', { token: viewer.token })).status).toBe(403);
      const missing = await api.call<ErrorBody>('GET', `/v1/users/${randomUUID()}`, { token: admin.token });
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('user_not_found');
    });
  });

  describe('custom roles', () => {
    const key = (name: string): string => `${name}-${suffix}`;

    it('refuses a role set with a cycle (400 role_cycle naming the path)', async () => {
      const a = key('cycle-a');
      const b = key('cycle-b');
      const first = await api.call('POST', '/v1/roles', {
        json: { key: a, name: 'A', extends: 'viewer', add: [], remove: [] },
      });
      expect(first.status).toBe(201);
      const second = await api.call('POST', '/v1/roles', {
        json: { key: b, name: 'B', extends: a, add: [], remove: [] },
      });
      expect(second.status).toBe(201);

      const cycle = await api.call<ErrorBody>('PUT', `/v1/roles/${a}`, {
        json: { name: 'A', extends: b, add: [], remove: [] },
      });
      expect(cycle.status).toBe(400);
      expect(cycle.body.error.code).toBe('role_cycle');
      // The path starts wherever resolution entered the loop.
      expect([
        [a, b, a],
        [b, a, b],
      ]).toContainEqual(cycle.body.error.details?.cycle);
      expect(cycle.body.error.message).toContain(' -> ');
    });

    it('refuses a role adding a permission the caller lacks (403 escalation)', async () => {
      const response = await api.call<ErrorBody>('POST', '/v1/roles', {
        token: admin.token,
        json: { key: key('peeker'), name: 'Peeker', extends: 'viewer', add: ['audit:read'], remove: [] },
      });
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('escalation');
      expect(response.body.error.details?.missing).toEqual(['audit:read']);
    });

    it('lists built-in and custom roles with resolved permissions, and deletes a role only when unused', async () => {
      const releaser = key('releaser');
      const created = await api.call<RoleBody>('POST', '/v1/roles', {
        token: admin.token,
        json: {
          key: releaser,
          name: 'Releaser',
          extends: 'developer',
          add: ['run:approve'],
          remove: ['workflow:delete'],
        },
      });
      expect(created.status).toBe(201);
      const roles = await api.call<{ items: RoleBody[] }>('GET', '/v1/roles', { token: admin.token });
      expect(roles.body.items.filter((r) => r.builtIn).map((r) => r.key)).toEqual([
        'owner',
        'admin',
        'developer',
        'operator',
        'viewer',
        'auditor',
      ]);
      const custom = roles.body.items.find((r) => r.key === releaser);
      expect(custom?.permissions).toContain('run:approve');
      expect(custom?.permissions).toContain('workflow:execute');
      expect(custom?.permissions).not.toContain('workflow:delete');

      const holder = await api.call<UserBody>('POST', '/v1/users', {
        token: admin.token,
        json: { email: email('releaser'), displayName: 'R', roles: [releaser] },
      });
      expect(holder.status).toBe(201);
      const inUse = await api.call<ErrorBody>('DELETE', `/v1/roles/${releaser}`, { token: admin.token });
      expect(inUse.status).toBe(409);
      expect(inUse.body.error).toMatchObject({ code: 'role_in_use', details: { holders: 1 } });

      const unassigned = await api.call('PATCH', `/v1/users/${holder.body.id}`, {
        token: admin.token,
        json: { roles: ['viewer'] },
      });
      expect(unassigned.status).toBe(200);
      expect((await api.call('DELETE', `/v1/roles/${releaser}`, { token: admin.token })).status).toBe(204);
      expect((await api.call('DELETE', `/v1/roles/${releaser}`, { token: admin.token })).status).toBe(404);
    });
  });

  describe('resource grants', () => {
    let granted: string;
    let other: string;
    let viewer: TestUser;

    const start = (workflowId: string, token: string): Promise<{ status: number; body: unknown }> =>
      api.call('POST', `/v1/workflows/${workflowId}/runs`, { token, json: { dryRun: true } });

    beforeAll(async () => {
      const register = async (name: string): Promise<string> => {
        const response = await api.call<{ id: string }>('POST', '/v1/workflows', {
          text: exampleWithName('hello-world.yaml', `${name}-${suffix}`),
        });
        expect(response.status).toBe(201);
        return response.body.id;
      };
      granted = await register('granted');
      other = await register('not-granted');
      viewer = await api.createUser(['viewer']);
    });

    it('lets a Viewer run exactly the workflow it was granted workflow:execute on, until it is revoked', async () => {
      expect((await start(granted, viewer.token)).status).toBe(403);
      const grant = await api.call<{ id: string }>('POST', '/v1/grants', {
        token: admin.token,
        json: {
          principalType: 'user',
          principalId: viewer.userId,
          permission: 'workflow:execute',
          resourceType: 'Workflow',
          resourceId: granted,
        },
      });
      expect(grant.status).toBe(201);

      expect((await start(granted, viewer.token)).status).toBe(200);
      const real = await api.call<{ runId: string }>('POST', `/v1/workflows/${granted}/runs`, {
        token: viewer.token,
        json: {},
      });
      expect(real.status).toBe(202);
      expect((await start(other, viewer.token)).status).toBe(403);
      // The grant is for executing: it does not let the Viewer change the workflow.
      const edit = await api.call('PUT', `/v1/workflows/${granted}`, {
        token: viewer.token,
        text: exampleWithName('hello-world.yaml', `granted-${suffix}`),
      });
      expect(edit.status).toBe(403);

      const listed = await api.call<{ items: { id: string }[] }>(
        'GET',
        `/v1/grants?principalId=${viewer.userId}`,
        {
          token: admin.token,
        },
      );
      expect(listed.body.items.map((g) => g.id)).toEqual([grant.body.id]);
      expect((await api.call('DELETE', `/v1/grants/${grant.body.id}`, { token: admin.token })).status).toBe(
        204,
      );
      expect((await start(granted, viewer.token)).status).toBe(403);
    });

    it("answers 404 for a grant on another tenant's workflow or to another tenant's user", async () => {
      const tenant = await api.createTenant();
      const stranger = await api.createUser(['owner'], { tenant });
      const theirs = await api.call<{ id: string }>('POST', '/v1/workflows', {
        token: stranger.token,
        text: exampleWithName('hello-world.yaml', `theirs-${suffix}`),
      });
      expect(theirs.status).toBe(201);

      const onTheirWorkflow = await api.call<ErrorBody>('POST', '/v1/grants', {
        json: {
          principalType: 'user',
          principalId: viewer.userId,
          permission: 'workflow:execute',
          resourceType: 'Workflow',
          resourceId: theirs.body.id,
        },
      });
      expect(onTheirWorkflow.status).toBe(404);
      expect(onTheirWorkflow.body.error.code).toBe('resource_not_found');

      const toTheirUser = await api.call<ErrorBody>('POST', '/v1/grants', {
        json: {
          principalType: 'user',
          principalId: stranger.userId,
          permission: 'workflow:execute',
          resourceType: 'Workflow',
          resourceId: granted,
        },
      });
      expect(toTheirUser.status).toBe(404);
      expect(toTheirUser.body.error.code).toBe('principal_not_found');
    });

    it('refuses granting a permission the granter does not hold tenant-wide (403 escalation)', async () => {
      const role = `grant-manager-${suffix}`;
      expect(
        (
          await api.call('POST', '/v1/roles', {
            json: { key: role, name: 'GM', extends: 'viewer', add: ['role:manage'], remove: [] },
          })
        ).status,
      ).toBe(201);
      const manager = await api.createUser([role]);
      const response = await api.call<ErrorBody>('POST', '/v1/grants', {
        token: manager.token,
        json: {
          principalType: 'user',
          principalId: viewer.userId,
          permission: 'workflow:execute',
          resourceType: 'Workflow',
          resourceId: other,
        },
      });
      expect(response.status).toBe(403);
      expect(response.body.error).toMatchObject({
        code: 'escalation',
        details: { missing: ['workflow:execute'] },
      });
    });
  });

  describe('tenants', () => {
    let platformAdmin: TestUser;

    beforeAll(async () => {
      platformAdmin = await api.createUser([], { platformAdmin: true });
    });

    it('answers 403 to everyone but platform admins, Owners included', async () => {
      const someTenant = `/v1/tenants/${api.tenant.id}`;
      for (const token of [api.owner.token, admin.token]) {
        expect((await api.call('GET', '/v1/tenants', { token })).status).toBe(403);
        expect((await api.call('GET', someTenant, { token })).status).toBe(403);
        expect((await api.call('PATCH', someTenant, { token, json: { name: 'mine now' } })).status).toBe(403);
        const created = await api.call('POST', '/v1/tenants', {
          token,
          json: { slug: `nope-${suffix}`, name: 'Nope', isolation: 'pooled' },
        });
        expect(created.status).toBe(403);
      }
    });

    it('creates a dedicated tenant with its Temporal namespace and first Owner, audited in its own chain', async () => {
      const slug = `ded-${suffix}`;
      const ownerEmail = email('first-owner');
      const created = await api.call<TenantBody>('POST', '/v1/tenants', {
        token: platformAdmin.token,
        json: {
          slug,
          name: 'Dedicated',
          isolation: 'dedicated',
          maxProfile: 'restricted',
          owner: { email: ownerEmail, password: STRONG_PASSWORD, displayName: 'First Owner' },
        },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ slug, isolation: 'dedicated', namespace: `warden-${slug}` });
      expect(created.body.owner?.email).toBe(ownerEmail);

      const described = await api.temporal.workflowService.describeNamespace({ namespace: `warden-${slug}` });
      expect(described.namespaceInfo?.name).toBe(`warden-${slug}`);

      const login = await api.call<{ accessToken: string }>('POST', '/v1/auth/login', {
        token: null,
        json: { tenant: slug, email: ownerEmail, password: STRONG_PASSWORD },
      });
      expect(login.status).toBe(200);
      const trail = await api.call<AuditPage>('GET', '/v1/audit?action=tenant.create', {
        token: login.body.accessToken,
      });
      expect(trail.body.items).toHaveLength(1);
      expect(trail.body.items[0]).toMatchObject({ target: { id: created.body.id }, outcome: 'success' });

      const again = await api.call<ErrorBody>('POST', '/v1/tenants', {
        token: platformAdmin.token,
        json: { slug, name: 'Again', isolation: 'pooled' },
      });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('tenant_exists');
    });

    it('lists, reads and updates tenants (quotas merge), audited as tenant.update', async () => {
      const slug = `pooled-${suffix}`;
      const created = await api.call<TenantBody>('POST', '/v1/tenants', {
        token: platformAdmin.token,
        json: { slug, name: 'Pooled', isolation: 'pooled' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ namespace: 'default', owner: null });

      const listed = await api.call<{ items: TenantBody[] }>('GET', '/v1/tenants', {
        token: platformAdmin.token,
      });
      expect(listed.body.items.map((t) => t.slug)).toEqual(expect.arrayContaining([slug, api.tenant.slug]));

      const patched = await api.call<TenantBody>('PATCH', `/v1/tenants/${created.body.id}`, {
        token: platformAdmin.token,
        json: { quotas: { concurrentRuns: 5 }, mfaRequiredRoles: ['owner', 'admin'] },
      });
      expect(patched.status).toBe(200);
      expect(patched.body.quotas).toEqual({
        concurrentRuns: 5,
        runsPerMinute: 600,
        apiRequestsPerMinute: 6000,
      });
      const read = await api.call<TenantBody>('GET', `/v1/tenants/${created.body.id}`, {
        token: platformAdmin.token,
      });
      expect(read.body.quotas.concurrentRuns).toBe(5);

      const badRole = await api.call<ErrorBody>('PATCH', `/v1/tenants/${created.body.id}`, {
        token: platformAdmin.token,
        json: { mfaRequiredRoles: ['no-such-role'] },
      });
      expect(badRole.status).toBe(400);

      // The tenant now requires MFA for Owners: a session without a second factor is held to
      // the routes about itself; an Auditor (not in the MFA roles) reads the trail.
      const owner = await api.createUser(['owner'], { tenant: { id: created.body.id, slug } });
      const held = await api.call<ErrorBody>('GET', '/v1/audit?action=tenant.update', { token: owner.token });
      expect(held.status).toBe(401);
      expect(held.body.error.code).toBe('mfa_required');
      expect((await api.call('GET', '/v1/auth/me', { token: owner.token })).status).toBe(200);
      const auditor = await api.createUser(['auditor'], { tenant: { id: created.body.id, slug } });
      const trail = await api.call<AuditPage>('GET', '/v1/audit?action=tenant.update', {
        token: auditor.token,
      });
      expect(trail.body.items).toHaveLength(1);
      expect(trail.body.items[0]?.details).toMatchObject({
        changes: { quotas: { from: { concurrentRuns: 100 }, to: { concurrentRuns: 5 } } },
      });
    });
  });
});
