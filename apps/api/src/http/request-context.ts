import type { IncomingMessage } from 'node:http';
import type { TenantScope } from '@warden/persistence';

/** Who is calling. Issue 3 fills this from a token; today it is the fixed local principal. */
export interface Principal {
  id: string;
}

/** The parts of the framework's request object the API reads, typed once. */
export interface WardenRequest extends IncomingMessage {
  requestId?: string;
  /** Exact bytes of a JSON body (kept so problems can point at lines of the client's text). */
  rawBody?: Buffer;
  body?: unknown;
  /** Express's parsed query string (read lazily by the framework). */
  query?: unknown;
  warden?: { principal: Principal; tenant: TenantScope };
}
