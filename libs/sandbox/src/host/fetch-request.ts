import type { SandboxFetchRequest } from '../contract';

function isStringRecord(value: unknown): value is Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value).every((entry) => typeof entry === 'string');
}

/**
 * Reads a fetch request the isolate wrote. The text was built inside from values read once; the
 * host checks the shape of its own parsed copy and hands only that copy to the broker.
 */
export function parseFetchRequest(text: string): SandboxFetchRequest {
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== 'object') throw new TypeError('ctx.fetch: malformed request');
  const fields = parsed as Record<string, unknown>;
  const { url, method, headers, body, credential } = fields;
  if (typeof url !== 'string' || typeof method !== 'string' || !isStringRecord(headers)) {
    throw new TypeError('ctx.fetch: url and method must be strings and headers a map of strings');
  }
  if (body !== undefined && typeof body !== 'string') throw new TypeError('ctx.fetch: body must be a string');
  if (credential !== undefined && typeof credential !== 'string') {
    throw new TypeError('ctx.fetch: credential must be a slot name');
  }
  const request: SandboxFetchRequest = { url, method: method.toUpperCase(), headers: { ...headers } };
  if (body !== undefined) request.body = body;
  if (credential !== undefined) request.credential = credential;
  return request;
}
