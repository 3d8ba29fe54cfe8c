import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

/** What a route does to its subject. Issue 3 turns these into CASL rules. */
export type Action = 'read' | 'create' | 'update' | 'execute' | 'approve' | 'cancel';
export type Subject = 'Workflow' | 'Run' | 'Schema' | 'Health';

export interface Permission {
  action: Action;
  subject: Subject;
}

export const PERMISSION_METADATA = 'warden:permission';

/**
 * Declares the permission a handler needs. Every handler must carry one: the global
 * PermissionGuard refuses any route without it, and a test enumerates the routes. The
 * permission also shows in the OpenAPI document as `x-warden-permission`.
 */
export function RequirePermission(action: Action, subject: Subject): MethodDecorator {
  const permission: Permission = { action, subject };
  return applyDecorators(
    SetMetadata(PERMISSION_METADATA, permission),
    ApiExtension('x-warden-permission', `${action}:${subject}`),
  );
}
