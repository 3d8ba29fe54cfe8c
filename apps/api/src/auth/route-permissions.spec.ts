import type { INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { createApp } from '../app';
import { ApiConfig } from '../config/api.config';
import { PERMISSION_METADATA, type Permission } from './permissions';

interface RouteInfo {
  route: string;
  permission: Permission | undefined;
}

/** Every route Nest will serve, found the way Nest finds them: controllers' decorated methods. */
function enumerateRoutes(app: INestApplication): RouteInfo[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance: unknown = wrapper.instance;
    if (typeof instance !== 'object' || instance === null || !wrapper.metatype) continue;
    const prefix = String(Reflect.getMetadata(PATH_METADATA, wrapper.metatype) ?? '');
    const prototype: object = Object.getPrototypeOf(instance);
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler: unknown = Reflect.get(prototype, name);
      if (typeof handler !== 'function') continue;
      const path: unknown = Reflect.getMetadata(PATH_METADATA, handler);
      if (typeof path !== 'string') continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const fullPath = `/${[prefix, path].filter((p) => p && p !== '/').join('/')}`;
      routes.push({
        route: `${method} ${fullPath}`,
        permission: Reflect.getMetadata(PERMISSION_METADATA, handler),
      });
    }
  }
  return routes;
}

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
      enumerateRoutes(app)
        .map((r) => r.route)
        .sort(),
    ).toEqual([
      'GET /healthz',
      'GET /readyz',
      'GET /v1/runs',
      'GET /v1/runs/:runId',
      'GET /v1/schema/workflow',
      'GET /v1/workflows',
      'GET /v1/workflows/:workflowId',
      'GET /v1/workflows/:workflowId/versions',
      'POST /v1/runs/:runId/approvals',
      'POST /v1/runs/:runId/cancel',
      'POST /v1/workflows',
      'POST /v1/workflows/:workflowId/runs',
      'POST /v1/workflows/validate',
      'PUT /v1/workflows/:workflowId',
    ]);
  });

  it('declares a permission on every route', () => {
    const undeclared = enumerateRoutes(app)
      .filter((r) => r.permission === undefined)
      .map((r) => r.route);
    expect(undeclared).toEqual([]);
  });
});
