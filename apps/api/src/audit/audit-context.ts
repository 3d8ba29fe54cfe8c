import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { WardenRequest } from '../http/request-context';

export type AuditActorType = 'user' | 'api_key' | 'system' | 'anonymous';

/** Who did it and from where: the parts of an audit event the request decides. */
export interface AuditContext {
  readonly actor: { readonly type: AuditActorType; readonly id: string };
  readonly requestId: string | null;
  readonly sourceIp: string | null;
}

/** The context of a request; anonymous when no identity was established (public routes). */
export function auditContextOf(request: WardenRequest & { ip?: string }): AuditContext {
  const principal = request.warden?.principal;
  return {
    actor: principal ? { type: principal.kind, id: principal.id } : { type: 'anonymous', id: 'anonymous' },
    requestId: request.requestId ?? null,
    sourceIp: request.ip ?? request.socket.remoteAddress ?? null,
  };
}

/** Handler parameter: the audit context of the current request (see auditContextOf). */
export const RequestAudit = createParamDecorator((_data: unknown, context: ExecutionContext): AuditContext =>
  auditContextOf(context.switchToHttp().getRequest<WardenRequest & { ip?: string }>()),
);
