import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import { ACCESS_METADATA, type RouteAccess } from './permissions';

export interface RouteInfo {
  /** `GET /v1/runs/:runId` */
  readonly route: string;
  readonly method: string;
  readonly path: string;
  readonly access: RouteAccess | undefined;
}

/**
 * Every route Nest will serve, found the way Nest finds them (controllers' decorated methods),
 * with the access each declares. Tests build the route checks and the role x route matrix
 * from this table, so a new route is covered the moment it exists.
 */
export function routeTable(app: INestApplication): RouteInfo[] {
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
      const fullPath = `/${[prefix, path]
        .filter((p) => p && p !== '/')
        .map((p) => p.replace(/^\/+|\/+$/g, ''))
        .join('/')}`;
      routes.push({
        route: `${method} ${fullPath}`,
        method,
        path: fullPath,
        access: Reflect.getMetadata(ACCESS_METADATA, handler),
      });
    }
  }
  return routes.sort((a, b) => a.route.localeCompare(b.route));
}
