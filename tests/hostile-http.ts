/**
 * Tools of the hostile-input sweep (tests/api-hostile.int.spec.ts): the routes as the committed
 * OpenAPI document lists them, requests sent exactly as written (no header added, any method,
 * any bytes), and the checks every error answer must pass.
 */
import { readFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from './api-harness';

export interface Route {
  /** `POST /v1/workflows/{workflowId}/runs`: also the test name. */
  label: string;
  method: string;
  /** The OpenAPI template, `{name}` for a parameter. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  headerParams: string[];
  /** Media types the body may have; empty when the route takes no body. */
  bodyTypes: string[];
}

interface OpenApiOperation {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, unknown> };
}

const OPENAPI: { paths: Record<string, Record<string, OpenApiOperation>> } = JSON.parse(
  readFileSync(join(REPO_ROOT, 'docs', 'openapi.json'), 'utf8'),
);

/** Every operation of docs/openapi.json (a drift test keeps it equal to the controllers). */
export const ROUTES: Route[] = Object.entries(OPENAPI.paths).flatMap(([path, operations]) =>
  Object.entries(operations).map(([method, op]): Route => {
    const params = (where: string): string[] =>
      (op.parameters ?? []).filter((p) => p.in === where).map((p) => p.name);
    return {
      label: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      path,
      pathParams: params('path'),
      queryParams: params('query'),
      headerParams: params('header'),
      bodyTypes: Object.keys(op.requestBody?.content ?? {}),
    };
  }),
);

/** Methods some documented route serves at `concretePath` (templates match one segment per `{param}`). */
export function methodsServing(concretePath: string): Set<string> {
  const served = ROUTES.filter((r) =>
    new RegExp(`^${r.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(concretePath),
  ).map((r) => r.method);
  return new Set(served.includes('GET') ? [...served, 'HEAD'] : served);
}

/** The error codes docs/api.md documents: a code outside this list is not a stable code. */
export const DOCUMENTED_CODES: string[] = (() => {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'api.md'), 'utf8');
  const table = doc.slice(doc.indexOf('## Errors'), doc.indexOf('### Limits on input'));
  return [...table.matchAll(/^\| (`[a-z_]+`(?:, `[a-z_]+`)*) /gm)].flatMap((m) =>
    [...m[1]!.matchAll(/`([a-z_]+)`/g)].map((c) => c[1]!),
  );
})();

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
}

function parsed(status: number, headers: IncomingHttpHeaders, text: string): RawResponse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers, text, json };
}

/** One request with exactly these headers and bytes (Host and Content-Length aside). */
export function send(
  baseUrl: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${path}`,
      {
        method,
        headers: { ...opts.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve(parsed(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString('utf8'))),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Bytes straight onto a socket, for requests no HTTP client would send. */
export function sendRaw(baseUrl: string, bytes: string): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes, 'latin1'));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const [head = '', text = ''] = raw.split(/\r\n\r\n(.*)/s);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: IncomingHttpHeaders = {};
      for (const line of lines) {
        const at = line.indexOf(':');
        headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
      }
      resolve(parsed(Number(statusLine.split(' ')[1]), headers, text));
    });
  });
}

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: {
      problems?: { path: string; message: string; code?: string; line?: number; column?: number }[];
      [key: string]: unknown;
    };
  };
  requestId: string;
}

// A stack frame, a source location, or a path on this machine: none may reach a client.
const LEAKS = [
  /\n\s+at /,
  /\bat \S+ \(/,
  /\.(ts|js):\d+/,
  /node_modules/,
  new RegExp(REPO_ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
];

/**
 * The answer is a client error with this status and code, in the one error shape: `{ error:
 * { code, message, details? }, requestId }`, the id echoed in X-Request-Id, a documented code,
 * nothing internal in the text.
 */
export function expectClientError(res: RawResponse, status: number, code: string): ErrorBody {
  const body = res.json as ErrorBody | undefined;
  // The text rides along so a failure shows what the server said.
  expect({ status: res.status, code: body?.error?.code, text: res.text.slice(0, 400) }).toMatchObject({
    status,
    code,
  });
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(body!).sort()).toEqual(['error', 'requestId']);
  expect(Object.keys(body!.error).filter((k) => !['code', 'message', 'details'].includes(k))).toEqual([]);
  expect(typeof body!.error.message).toBe('string');
  expect(DOCUMENTED_CODES).toContain(code);
  expect(body!.requestId).toBe(res.headers['x-request-id']);
  for (const leak of LEAKS) expect(res.text).not.toMatch(leak);
  return body!;
}
