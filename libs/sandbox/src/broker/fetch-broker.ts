import type { IncomingMessage } from 'node:http';
import {
  SandboxFailure,
  type BrokerContext,
  type CapabilityBroker,
  type CredentialResolver,
  type SandboxFetchRequest,
  type SandboxFetchResponse,
} from '../contract';
import { createAddressPolicy, type AddressPolicy } from './address-policy';
import { injectedHeaderName, prepareCredential, type PreparedCredential } from './credentials';
import { denied, FetchNetworkError } from './denied';
import { flattenResponseHeaders, sanitizeRequestHeaders } from './headers';
import { maskSecrets, secretForms } from './mask';
import { errorCode, resolveChecked, systemResolver, type HostResolver } from './resolve';
import { checkTarget, hostKeys, type FetchTarget } from './target';
import { DECODED_BODY_HEADERS, readBody, sendPinned } from './transport';

export interface FetchBrokerOptions {
  /** Resolves the tenant's credentials on the host. Without it, fetches naming a slot are refused. */
  credentials?: CredentialResolver;
  /** Name resolution (default: the system resolver, all addresses). */
  resolve?: HostResolver;
  /** Internal CIDRs an operator permits, for on-prem services (see AddressPolicyOptions). */
  allowAddresses?: readonly string[];
  /** Trusted CAs replacing Node's bundle: an on-prem CA, or a test CA. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Largest response body handed to the plugin, in bytes; longer ones are truncated. */
  maxResponseBytes?: number;
  maxRequestBodyBytes?: number;
  /** Time for the whole fetch, redirects included; never past the invocation's signal. */
  timeoutMs?: number;
  maxRedirects?: number;
  maxRequestHeaders?: number;
  maxRequestHeaderBytes?: number;
  maxResponseHeaderBytes?: number;
  /** Fetches per invocation (per BrokerContext); the sandbox also enforces limits.maxFetches. */
  maxFetchesPerInvocation?: number;
}

export const DEFAULT_FETCH_BROKER_LIMITS = {
  maxResponseBytes: 1024 * 1024,
  maxRequestBodyBytes: 256 * 1024,
  timeoutMs: 10_000,
  maxRedirects: 5,
  maxRequestHeaders: 50,
  maxRequestHeaderBytes: 16 * 1024,
  maxResponseHeaderBytes: 16 * 1024,
  maxFetchesPerInvocation: Number.POSITIVE_INFINITY,
} as const;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** What the broker keeps per invocation: the fetch count and the secrets it handed out. */
interface InvocationState {
  fetches: number;
  secrets: Set<string>;
}

/**
 * The host side of ctx.fetch: checks every request and every redirect hop against the job's
 * capabilities and the address policy, connects only to the address it checked, injects
 * credentials on the host and masks them out of what the plugin gets back.
 */
export function createFetchBroker(options: FetchBrokerOptions = {}): CapabilityBroker {
  const limits = { ...DEFAULT_FETCH_BROKER_LIMITS, ...definedOnly(options) };
  const policy: AddressPolicy = createAddressPolicy({ allowAddresses: options.allowAddresses });
  const resolver = options.resolve ?? systemResolver;
  const invocations = new WeakMap<BrokerContext, InvocationState>();

  async function fetch(request: SandboxFetchRequest, context: BrokerContext): Promise<SandboxFetchResponse> {
    const state = invocations.get(context) ?? { fetches: 0, secrets: new Set<string>() };
    invocations.set(context, state);
    if (++state.fetches > limits.maxFetchesPerInvocation) {
      throw denied(`fetch refused: more than ${limits.maxFetchesPerInvocation} fetches in one invocation`);
    }
    if (context.signal.aborted) throw cancelled();

    let method = checkMethod(request.method);
    let body = checkBody(request.body, limits.maxRequestBodyBytes);
    const injectedNames = new Set(context.capabilities.credentials.map(injectedHeaderName));
    const headers = sanitizeRequestHeaders(
      request.headers,
      { maxCount: limits.maxRequestHeaders, maxBytes: limits.maxRequestHeaderBytes },
      injectedNames,
    );
    const allowed = hostKeys(context.capabilities.allowedHosts);
    let target = checkTarget(request.url, allowed);
    let credential: PreparedCredential | undefined;
    if (request.credential !== undefined) {
      credential = await prepareCredential(request.credential, target.hostKey, context, options.credentials);
      for (const secret of credential.secrets) state.secrets.add(secret);
    }

    const deadline = AbortSignal.any([context.signal, AbortSignal.timeout(limits.timeoutMs)]);
    try {
      for (let redirects = 0; ; redirects++) {
        const pinned = await resolveChecked(target.hostname, resolver, policy, deadline);
        context.recordUse(`fetch:${target.hostKey}`);
        const hopHeaders: Record<string, string> = { ...headers, 'accept-encoding': 'identity' };
        if (credential?.hosts.has(target.hostKey)) {
          hopHeaders[credential.headerName] = credential.headerValue;
          context.recordUse(`credential:${credential.slot}`);
        }
        if (body !== undefined) hopHeaders['content-length'] = String(body.length);
        const response = await sendPinned({
          url: target.url,
          ...pinned,
          method,
          headers: hopHeaders,
          body,
          ca: options.ca,
          maxHeaderBytes: limits.maxResponseHeaderBytes,
          signal: deadline,
        });
        const location = response.headers.location;
        if (!REDIRECTS.has(response.statusCode ?? 0) || location === undefined) {
          return await toResponse(response, state.secrets, deadline);
        }
        response.destroy();
        if (redirects >= limits.maxRedirects) {
          throw denied(`fetch refused: more than ${limits.maxRedirects} redirects`);
        }
        target = checkTarget(resolveLocation(location, target), allowed);
        // As browsers do: 303, and 301/302 after a POST, continue as a GET without the body.
        if (
          response.statusCode === 303 ||
          (method === 'POST' && response.statusCode !== 307 && response.statusCode !== 308)
        ) {
          method = method === 'HEAD' ? 'HEAD' : 'GET';
          body = undefined;
          delete headers['content-type'];
        }
      }
    } catch (error) {
      throw classify(error, context, deadline, target, limits.timeoutMs);
    }
  }

  async function toResponse(
    response: IncomingMessage,
    secrets: ReadonlySet<string>,
    signal: AbortSignal,
  ): Promise<SandboxFetchResponse> {
    const forms = secretForms(secrets);
    // Read past the cap by the longest secret form and mask before cutting, so a secret that
    // straddles the cap cannot leak its first characters.
    const overread = forms.reduce((max, form) => Math.max(max, Buffer.byteLength(form)), 0);
    const read = await readBody(response, limits.maxResponseBytes + overread, signal);
    const masked = Buffer.from(maskSecrets(read.body.toString('utf8'), secrets, { patterns: false }), 'utf8');
    const cut = utf8Boundary(masked, limits.maxResponseBytes);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(
      flattenResponseHeaders(response.headers, DECODED_BODY_HEADERS),
    )) {
      headers[maskSecrets(name, secrets, { patterns: false })] = maskSecrets(value, secrets, {
        patterns: false,
      });
    }
    return {
      status: response.statusCode ?? 0,
      headers,
      body: masked.subarray(0, cut).toString('utf8'),
      truncated: read.truncated || cut < masked.length,
    };
  }

  return { fetch };
}

function checkMethod(method: unknown): string {
  const upper = typeof method === 'string' && method !== '' ? method.toUpperCase() : 'GET';
  if (!METHODS.has(upper))
    throw denied(`fetch refused: method ${String(method).slice(0, 32)} is not allowed`);
  return upper;
}

function checkBody(body: unknown, max: number): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'string') throw denied('fetch refused: the request body must be a string');
  const bytes = Buffer.from(body, 'utf8');
  if (bytes.length > max)
    throw denied(`fetch refused: request body of ${bytes.length} bytes exceeds the limit of ${max}`);
  return bytes;
}

function resolveLocation(location: string, from: FetchTarget): string {
  try {
    return new URL(location, from.url).href;
  } catch {
    throw denied(`fetch refused: ${from.hostKey} redirected to an invalid URL`);
  }
}

function classify(
  error: unknown,
  context: BrokerContext,
  deadline: AbortSignal,
  target: FetchTarget,
  timeoutMs: number,
): Error {
  if (error instanceof SandboxFailure || error instanceof FetchNetworkError) return error;
  if (context.signal.aborted) return cancelled();
  if (deadline.aborted)
    return denied(`fetch refused: ${target.hostKey} did not answer within ${timeoutMs} ms`);
  const code = errorCode(error);
  return new FetchNetworkError(
    `fetch to ${target.hostKey} failed: ${code ?? (error as Error).message}`,
    code,
  );
}

function cancelled(): SandboxFailure {
  return new SandboxFailure('cancelled', 'fetch aborted: the invocation was cancelled or ended');
}

/** The largest length <= max that does not split a UTF-8 character. */
function utf8Boundary(bytes: Buffer, max: number): number {
  if (bytes.length <= max) return bytes.length;
  let cut = max;
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return cut;
}

function definedOnly(options: FetchBrokerOptions): Partial<typeof DEFAULT_FETCH_BROKER_LIMITS> {
  const picked: Record<string, number> = {};
  for (const key of Object.keys(DEFAULT_FETCH_BROKER_LIMITS)) {
    const value = (options as Record<string, unknown>)[key];
    if (typeof value === 'number') picked[key] = value;
  }
  return picked;
}
