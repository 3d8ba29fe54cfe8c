/**
 * The role x route x tenant matrix, generated from the route table: every route the API serves,
 * every built-in role, against the caller's own tenant and against another tenant. A route
 * added later is in the matrix the moment it exists.
 *
 * Own tenant: a role holding the route's permission is let through (whatever the handler then
 * says about the empty body), a role without it gets 403 `forbidden`; routes for platform
 * admins refuse every tenant role. Other tenant: no route
 * ever answers 2xx about another tenant's resource, lists never contain another tenant's ids,
 * and nothing of the other tenant changes.
 */
import { randomUUID } from 'node:crypto';
import { BUILT_IN_ROLE_KEYS, BUILT_IN_ROLES, type BuiltInRoleKey, type PermissionName } from '@warden/authz';
import { generatePublisherKeyPair } from '@warden/plugins';
import { routeTable, type RouteInfo } from '../apps/api/src/auth/route-table';
import { exampleWithName, startApiHarness, type ApiHarness, type TestTenant } from './api-harness';

interface Fixtures {
  tenant: TestTenant;
  params: Record<string, string>;
}

let api: ApiHarness;
let routes: RouteInfo[];
let own: Fixtures;
let other: Fixtures;

/** Resources of one tenant that route parameters can name; `version` differs per tenant. */
async function fixturesIn(tenant: TestTenant, ownerToken: string, version: string): Promise<Fixtures> {
  const name = `matrix-${randomUUID().slice(0, 8)}`;
  const workflow = await api.call<{ id: string }>('POST', '/v1/workflows', {
    text: exampleWithName('hello-world.yaml', name),
    token: ownerToken,
  });
  expect(workflow.status).toBe(201);
  const run = await api.call<{ runId: string }>('POST', `/v1/workflows/${workflow.body.id}/runs`, {
    json: { inputs: { name: 'matrix' } },
    token: ownerToken,
  });
  expect(run.status).toBe(202);
  const user = await api.createUser(['viewer'], { tenant });
  const pluginId = `acme.matrix-${randomUUID().slice(0, 8)}`;
  const plugin = await api.call('POST', '/v1/plugins', {
    json: {
      manifest: {
        id: pluginId,
        name: 'Matrix',
        version,
        description: 'A plugin the matrix can name.',
        publisher: 'tests',
        inputSchema: { type: 'object' },
        outputSchema: { type: 'object' },
        capabilities: { hosts: [], credentials: [] },
      },
      source: 'export default { run(input) { return input; } };\n',
    },
    token: ownerToken,
  });
  expect(plugin.status).toBe(201);
  const key = await api.call<{ keyId: string }>('POST', '/v1/plugin-keys', {
    json: { name: 'matrix', publicKeyPem: generatePublisherKeyPair().publicKeyPem },
    token: ownerToken,
  });
  expect(key.status).toBe(201);
  const credential = await api.call<{ id: string }>('POST', '/v1/credentials', {
    json: { name: `matrix-${version}`, type: 'bearer', data: { token: 'matrix-token' } },
    token: ownerToken,
  });
  expect(credential.status).toBe(201);
  return {
    tenant,
    params: {
      workflowId: workflow.body.id,
      runId: run.body.runId,
      tenantId: tenant.id,
      userId: user.userId,
      pluginId,
      version,
      keyId: key.body.keyId,
      credentialId: credential.body.id,
    },
  };
}

function pathFor(route: RouteInfo, fixtures: Fixtures): string {
  return route.path.replace(/:([A-Za-z]+)/g, (_m, param: string) => fixtures.params[param] ?? randomUUID());
}

function holds(role: BuiltInRoleKey, permission: PermissionName): boolean {
  return BUILT_IN_ROLES[role].permissions.includes(permission);
}

const protectedRoutes = (): RouteInfo[] => routes.filter((r) => r.access?.kind !== 'public');

/** An empty JSON body where the method takes one. */
const bodyFor = (route: RouteInfo): { json?: unknown } =>
  route.method === 'GET' || route.method === 'HEAD' ? {} : { json: {} };

beforeAll(async () => {
  api = await startApiHarness({ worker: true });
  routes = routeTable(api.app);
  const otherTenant = await api.createTenant();
  await api.startWorkerFor(otherTenant);
  const otherOwner = await api.createUser(['owner'], { tenant: otherTenant });
  own = await fixturesIn(api.tenant, api.owner.token, '1.0.0');
  // A version no answer about the own tenant could contain by chance.
  other = await fixturesIn(otherTenant, otherOwner.token, '31.41.59');
}, 120_000);

afterAll(async () => {
  await api?.close();
});

it('covers every route of the API', () => {
  expect(protectedRoutes().length).toBeGreaterThanOrEqual(10);
  expect(routes.every((r) => r.access !== undefined)).toBe(true);
});

it('refuses every protected route without a token (401) and with a malformed one', async () => {
  for (const route of protectedRoutes()) {
    const anonymous = await api.call(route.method, pathFor(route, own), { ...bodyFor(route), token: null });
    expect({ route: route.route, status: anonymous.status }).toEqual({ route: route.route, status: 401 });
    const garbage = await api.call(route.method, pathFor(route, own), {
      ...bodyFor(route),
      token: 'not-a-token',
    });
    expect({ route: route.route, status: garbage.status }).toEqual({ route: route.route, status: 401 });
  }
});

describe.each(BUILT_IN_ROLE_KEYS)('role %s', (role) => {
  it('is allowed exactly the routes its permissions name, in its own tenant', async () => {
    const outcomes: { route: string; expected: 'allow' | 'deny'; status: number }[] = [];
    for (const route of protectedRoutes()) {
      // A fresh user per route: signing out or enrolling MFA must not change the next row.
      const user = await api.createUser([role]);
      const response = await api.call<{ error?: { code: string } }>(route.method, pathFor(route, own), {
        ...bodyFor(route),
        token: user.token,
      });
      const access = route.access!;
      const expected =
        access.kind === 'authenticated' ||
        (access.kind === 'permission' && holds(role, access.permission) && access.platformAdmin !== true)
          ? 'allow'
          : 'deny';
      const denied = response.status === 403 && response.body.error?.code === 'forbidden';
      outcomes.push({ route: route.route, expected, status: denied ? 403 : response.status });
    }
    const wrong = outcomes.filter(
      (o) => (o.expected === 'deny') !== (o.status === 403) || o.status === 401 || o.status >= 500,
    );
    expect(wrong).toEqual([]);
  });

  it("never reads or writes another tenant's resources", async () => {
    const leaks: { route: string; status: number }[] = [];
    const otherIds = Object.values(other.params);
    for (const route of protectedRoutes()) {
      const user = await api.createUser([role]);
      const named = /:[A-Za-z]+/.test(route.path);
      const response = await api.call(route.method, pathFor(route, other), {
        ...bodyFor(route),
        token: user.token,
      });
      // A 404 may quote the id it was asked about; only a success could reveal the resource.
      const mentionsOther = response.status < 400 && otherIds.some((id) => response.text.includes(id));
      if ((named && response.status < 300) || mentionsOther || response.status >= 500) {
        leaks.push({ route: route.route, status: response.status });
      }
    }
    expect(leaks).toEqual([]);
  });
});

it("left the other tenant's workflow and run as they were", async () => {
  const otherOwner = await api.createUser(['owner'], { tenant: other.tenant });
  const workflow = await api.call<{ currentVersion: number }>(
    'GET',
    `/v1/workflows/${other.params.workflowId}`,
    {
      token: otherOwner.token,
    },
  );
  expect(workflow.status).toBe(200);
  expect(workflow.body.currentVersion).toBe(1);
  const run = await api.call<{ status: string }>('GET', `/v1/runs/${other.params.runId}`, {
    token: otherOwner.token,
  });
  expect(run.status).toBe(200);
  expect(run.body.status).not.toBe('cancelled');
});
