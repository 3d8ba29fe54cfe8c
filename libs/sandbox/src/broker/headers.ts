import type { IncomingHttpHeaders } from 'node:http';
import { denied } from './denied';

export interface RequestHeaderCaps {
  maxCount: number;
  /** Total of names and values, in UTF-8 bytes. */
  maxBytes: number;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Visible ASCII, space and tab; no CR, LF or NUL, so no header can be smuggled into another.
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/**
 * Headers the broker owns: routing and framing (host, hop-by-hop, length), ambient credentials
 * (authorization, cookies, proxy-*) and accept-encoding (the broker decodes, so it can mask).
 */
const BROKER_OWNED = new Set([
  'host',
  'authorization',
  'cookie',
  'cookie2',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'expect',
  'accept-encoding',
  'http2-settings',
]);

export function isValidHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

export function isValidHeaderValue(value: string): boolean {
  return HEADER_VALUE.test(value);
}

/** True for headers a credential binding may not set (the broker needs them for framing). */
export function isBrokerOwnedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower !== 'authorization' && (BROKER_OWNED.has(lower) || lower.startsWith('proxy-'));
}

/**
 * The plugin's headers, lower-cased, minus the ones the broker owns and the ones a credential
 * binding of this job injects. Refuses malformed or oversized header sets.
 */
export function sanitizeRequestHeaders(
  headers: unknown,
  caps: RequestHeaderCaps,
  injectedNames: ReadonlySet<string>,
): Record<string, string> {
  if (headers === undefined || headers === null) return {};
  if (typeof headers !== 'object' || Array.isArray(headers)) {
    throw denied('fetch refused: headers must be an object of strings');
  }
  const entries = Object.entries(headers);
  if (entries.length > caps.maxCount) {
    throw denied(`fetch refused: ${entries.length} request headers exceed the limit of ${caps.maxCount}`);
  }
  let bytes = 0;
  const kept: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (typeof value !== 'string') throw denied(`fetch refused: header ${truncate(name)} is not a string`);
    if (!isValidHeaderName(name))
      throw denied(`fetch refused: "${truncate(name)}" is not a valid header name`);
    if (!isValidHeaderValue(value))
      throw denied(`fetch refused: header ${name} has characters not allowed in a header`);
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
    const lower = name.toLowerCase();
    if (BROKER_OWNED.has(lower) || lower.startsWith('proxy-') || injectedNames.has(lower)) continue;
    kept[lower] = value;
  }
  if (bytes > caps.maxBytes) {
    throw denied(`fetch refused: request headers of ${bytes} bytes exceed the limit of ${caps.maxBytes}`);
  }
  return kept;
}

/** Node's parsed response headers as one string per name (repeated values joined by ", "). */
export function flattenResponseHeaders(
  headers: IncomingHttpHeaders,
  drop: ReadonlySet<string>,
): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || drop.has(name)) continue;
    flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}...` : text;
}
