import type { IncomingMessage } from 'node:http';
import type { WardenAbility } from '@warden/authz';
import type { TenantScope } from '@warden/persistence';

/** Who is calling, as established by the AccessGuard from an access token or an API key. */
export interface Principal {
  /** The user's id, or the API key's id for a key. Recorded as the actor in audit events. */
  readonly id: string;
  readonly kind: 'user' | 'api_key';
  /** The user acting: the signed-in user, or the owner of the API key. */
  readonly userId: string;
  readonly tenantId: string;
  readonly roles: readonly string[];
  readonly platformAdmin: boolean;
  /** The refresh-token family of a signed-in session; null for API keys. */
  readonly sessionId: string | null;
}

/** Everything the guard established about a request, read by the Current* decorators. */
export interface RequestIdentity {
  readonly principal: Principal;
  readonly tenant: TenantScope;
  readonly ability: WardenAbility;
}

/** The parts of the framework's request object the API reads, typed once. */
export interface WardenRequest extends IncomingMessage {
  requestId?: string;
  /** Exact bytes of a JSON body (kept so problems can point at lines of the client's text). */
  rawBody?: Buffer;
  body?: unknown;
  /** Express's parsed query string (read lazily by the framework). */
  query?: unknown;
  warden?: RequestIdentity;
  /** Route parameters (Express). */
  params?: Record<string, string>;
  /** Set by passport from the strategies' validate(). */
  user?: unknown;
}
