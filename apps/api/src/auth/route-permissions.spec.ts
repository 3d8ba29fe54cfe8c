import type { INestApplication } from '@nestjs/common';
import { createApp } from '../app';
import { ApiConfig } from '../config/api.config';
import { routeTable } from './route-table';

/** Reachable without a token; everything else needs one (and a permission, or is about the caller). */
const PUBLIC_ROUTES = [
  'GET /.well-known/jwks.json',
  'GET /healthz',
  'GET /readyz',
  'GET /v1/schema/workflow',
  'POST /v1/auth/login',
  'POST /v1/auth/refresh',
];

describe('route permissions', () => {
  let app: INestApplication;

  beforeAll(async () => {
    // Nothing connects until listen(): this config only has to be valid.
    app = await createApp(ApiConfig.fromEnv({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }), {
      logger: false,
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it('finds every route of the API', () => {
    expect(
      routeTable(app)
        .map((r) => r.route)
        .sort(),
    ).toEqual([
      'DELETE /v1/api-keys/:apiKeyId',
      'DELETE /v1/credentials/:credentialId',
      'DELETE /v1/grants/:grantId',
      'DELETE /v1/keys',
      'DELETE /v1/plugin-keys/:keyId',
      'DELETE /v1/plugins/:pluginId',
      'DELETE /v1/roles/:key',
      'GET /.well-known/jwks.json',
      'GET /healthz',
      'GET /readyz',
      'GET /v1/api-keys',
      'GET /v1/audit',
      'GET /v1/audit/export',
      'GET /v1/audit/verify',
      'GET /v1/auth/me',
      'GET /v1/credentials',
      'GET /v1/credentials/:credentialId',
      'GET /v1/credentials/:credentialId/usage',
      'GET /v1/grants',
      'GET /v1/keys',
      'GET /v1/keys/jobs/:jobId',
      'GET /v1/plugin-keys',
      'GET /v1/plugins',
      'GET /v1/plugins/:pluginId',
      'GET /v1/plugins/:pluginId/docs',
      'GET /v1/plugins/:pluginId/usage',
      'GET /v1/plugins/:pluginId/versions',
      'GET /v1/plugins/:pluginId/versions/:version/code',
      'GET /v1/roles',
      'GET /v1/runs',
      'GET /v1/runs/:runId',
      'GET /v1/schema/workflow',
      'GET /v1/tenants',
      'GET /v1/tenants/:tenantId',
      'GET /v1/users',
      'GET /v1/users/:userId',
      'GET /v1/workflows',
      'GET /v1/workflows/:workflowId',
      'GET /v1/workflows/:workflowId/versions',
      'PATCH /v1/tenants/:tenantId',
      'PATCH /v1/users/:userId',
      'POST /v1/admin/keys/rewrap',
      'POST /v1/api-keys',
      'POST /v1/api-keys/:apiKeyId/rotate',
      'POST /v1/auth/login',
      'POST /v1/auth/logout',
      'POST /v1/auth/mfa/totp/disable',
      'POST /v1/auth/mfa/totp/enroll',
      'POST /v1/auth/mfa/totp/verify',
      'POST /v1/auth/refresh',
      'POST /v1/codec/decode',
      'POST /v1/codec/encode',
      'POST /v1/credentials',
      'POST /v1/credentials/:credentialId/rotate',
      'POST /v1/grants',
      'POST /v1/keys/:keyVersion/destroy',
      'POST /v1/keys/rotate',
      'POST /v1/plugin-keys',
      'POST /v1/plugins',
      'POST /v1/plugins/:pluginId/test',
      'POST /v1/plugins/:pluginId/versions/:version/status',
      'POST /v1/roles',
      'POST /v1/runs/:runId/approvals',
      'POST /v1/runs/:runId/cancel',
      'POST /v1/tenants',
      'POST /v1/users',
      'POST /v1/workflows',
      'POST /v1/workflows/:workflowId/runs',
      'POST /v1/workflows/validate',
      'PUT /v1/credentials/:credentialId',
      'PUT /v1/plugins/:pluginId',
      'PUT /v1/roles/:key',
      'PUT /v1/workflows/:workflowId',
    ]);
  });

  it('declares a permission on every route', () => {
    const undeclared = routeTable(app)
      .filter((r) => r.access === undefined)
      .map((r) => r.route);
    expect(undeclared).toEqual([]);
  });

  it('keeps public only the routes that must be reachable without a token', () => {
    const publicRoutes = routeTable(app)
      .filter((r) => r.access?.kind === 'public')
      .map((r) => r.route);
    expect(publicRoutes).toEqual(PUBLIC_ROUTES);
  });
});
