import { isIP } from 'node:net';
import { denied } from './denied';

/** A URL that passed the checks that need no network: scheme, userinfo, host allowlist, port. */
export interface FetchTarget {
  url: URL;
  /** Lower-case host name without a trailing dot: what DNS is asked and TLS verifies. */
  hostname: string;
  port: number;
  /** `hostname` or `hostname:port` for a non-default port: the form of allowlist entries. */
  hostKey: string;
}

const HTTPS_PORT = 443;

/**
 * Normalizes allowlist entries (`api.example.com`, `API.Example.com.`, `intranet.example:8443`)
 * to host keys. An entry without a port allows only the default port. Entries that are not a
 * plain host name (schemes, paths, IP literals) match nothing.
 */
export function hostKeys(entries: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const entry of entries) {
    let parsed: URL;
    try {
      parsed = new URL(`https://${entry.trim()}`);
    } catch {
      continue;
    }
    const hostname = stripTrailingDot(parsed.hostname);
    const plain =
      parsed.pathname === '/' && !parsed.username && !parsed.password && !parsed.search && !parsed.hash;
    if (!plain || hostname === '' || isIpHost(hostname)) continue;
    keys.add(hostKey(hostname, parsed.port === '' ? HTTPS_PORT : Number(parsed.port)));
  }
  return keys;
}

/** Checks a URL of a request or a redirect against the allowlist; throws capability-denied. */
export function checkTarget(raw: string, allowed: ReadonlySet<string>): FetchTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw denied(`fetch refused: "${truncate(raw)}" is not a valid URL`);
  }
  if (url.protocol !== 'https:') {
    throw denied(`fetch refused: only https URLs are allowed, not ${url.protocol.replace(/:$/, '')}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw denied('fetch refused: URLs with user information (user@host) are not allowed');
  }
  const hostname = stripTrailingDot(url.hostname);
  if (isIpHost(hostname)) {
    throw denied(`fetch refused: IP address hosts are not allowed (${hostname})`);
  }
  const port = url.port === '' ? HTTPS_PORT : Number(url.port);
  const key = hostKey(hostname, port);
  if (!allowed.has(key)) {
    throw denied(`fetch refused: host ${key} is not in the plugin's allowed hosts`);
  }
  url.hostname = hostname;
  return { url, hostname, port, hostKey: key };
}

function hostKey(hostname: string, port: number): string {
  return port === HTTPS_PORT ? hostname : `${hostname}:${port}`;
}

// WHATWG URL already turned decimal, octal and hex IPv4 forms into dotted quads, and keeps IPv6
// literals in brackets.
function isIpHost(hostname: string): boolean {
  return hostname.startsWith('[') || isIP(hostname) !== 0;
}

function stripTrailingDot(hostname: string): string {
  return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
