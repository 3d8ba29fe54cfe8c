import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { WardenRequest } from '../http/request-context';
import { AuthError } from './auth.errors';
import { resolveLocalIdentity } from './local-identity';
import { PERMISSION_METADATA, type Permission } from './permissions';

/**
 * Global guard: default deny for routes that forgot to declare a permission, then identity.
 * Issue 3 adds authentication and the ability check (`can(action, subject)`) here, so
 * controllers do not change.
 */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const permission = this.reflector.get<Permission | undefined>(PERMISSION_METADATA, context.getHandler());
    if (!permission) {
      throw new AuthError(
        'permission_not_declared',
        `route ${context.getClass().name}.${context.getHandler().name} declares no permission`,
      );
    }
    const request = context.switchToHttp().getRequest<WardenRequest>();
    request.warden = resolveLocalIdentity();
    return true;
  }
}
