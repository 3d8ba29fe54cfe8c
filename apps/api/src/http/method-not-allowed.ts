import type { ServerResponse } from 'node:http';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { WardenRequest } from './request-context';
import { RequestError } from './request.errors';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface DocumentedPath {
  /** Literal segments lower-cased; `undefined` for a `{param}` segment. */
  segments: (string | undefined)[];
  methods: string[];
}

/** The routes of the OpenAPI document, which is built from the controllers themselves. */
function documentedPaths(document: OpenAPIObject): DocumentedPath[] {
  return Object.entries(document.paths).map(([path, item]) => ({
    segments: segmentsOf(path).map((s) => (/^\{.+\}$/.test(s) ? undefined : s.toLowerCase())),
    methods: HTTP_METHODS.filter((m) => item[m] !== undefined).map((m) => m.toUpperCase()),
  }));
}

/** Like the router: case-insensitive, a trailing slash ignored, parameters match one segment. */
function segmentsOf(path: string): string[] {
  return path.replace(/\/+$/, '').split('/').slice(1);
}

function matches(documented: DocumentedPath, segments: string[]): boolean {
  return (
    documented.segments.length === segments.length &&
    documented.segments.every((s, i) =>
      s === undefined ? segments[i] !== '' : s === segments[i]!.toLowerCase(),
    )
  );
}

/**
 * Express middleware placed before the routes: a request for a path the API serves, with a
 * method it does not serve there, gets 405 `method_not_allowed` and an `Allow` header instead of
 * the 404 the router would give. Other paths go on to the router untouched.
 */
export function methodNotAllowedMiddleware(
  document: OpenAPIObject,
): (req: WardenRequest, res: ServerResponse, next: (err?: unknown) => void) => void {
  const paths = documentedPaths(document);
  return (req, res, next) => {
    const segments = segmentsOf((req.url ?? '').split('?')[0] ?? '');
    const allowed = new Set(paths.filter((p) => matches(p, segments)).flatMap((p) => p.methods));
    if (allowed.has('GET')) allowed.add('HEAD');
    const method = (req.method ?? '').toUpperCase();
    if (allowed.size === 0 || allowed.has(method)) {
      next();
      return;
    }
    const list = [...allowed].sort();
    res.setHeader('Allow', list.join(', '));
    next(
      new RequestError('method_not_allowed', `${method} is not allowed here; use ${list.join(', ')}`, {
        allowed: list,
      }),
    );
  };
}
