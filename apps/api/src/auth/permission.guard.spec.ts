import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { DEFAULT_TENANT_ID } from '@warden/engine';
import type { WardenRequest } from '../http/request-context';
import { AuthError } from './auth.errors';
import { PermissionGuard } from './permission.guard';
import { RequirePermission } from './permissions';

class SampleController {
  @RequirePermission('read', 'Workflow')
  declared(): void {}

  forgotten(): void {}
}

function contextFor(handler: () => void, request: Partial<WardenRequest>): ExecutionContextHost {
  return new ExecutionContextHost([request, {}, () => undefined], SampleController, handler);
}

describe('PermissionGuard', () => {
  const guard = new PermissionGuard(new Reflector());

  it('refuses a handler that declares no permission', () => {
    let error: unknown;
    try {
      guard.canActivate(contextFor(SampleController.prototype.forgotten, {}));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({
      code: 'permission_not_declared',
      message: 'route SampleController.forgotten declares no permission',
    });
  });

  it('lets a declared handler through with the local identity in the default tenant', () => {
    const request: Partial<WardenRequest> = {};
    expect(guard.canActivate(contextFor(SampleController.prototype.declared, request))).toBe(true);
    expect(request.warden).toEqual({
      principal: { id: 'local-dev' },
      tenant: { tenantId: DEFAULT_TENANT_ID },
    });
  });
});
