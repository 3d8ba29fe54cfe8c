import type { IncomingMessage, ServerResponse } from 'node:http';

const CODEC_PATH = /^\/v1\/codec(\/|$)/i;
const ALLOWED_HEADERS = 'authorization, content-type, x-namespace';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for the codec endpoint only: the Temporal Web UI calls it from the browser, from another
 * origin, with the user's bearer token. Configured origins are echoed with credentials allowed;
 * any other origin gets no CORS header, so the browser keeps the answer from it. A preflight is
 * answered here, before authentication (browsers send it without the token). Placed before the
 * router and the 405 check, which would otherwise refuse OPTIONS.
 */
export function codecCorsMiddleware(
  origins: readonly string[],
): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!CODEC_PATH.test(path)) {
      next();
      return;
    }
    const origin = req.headers.origin;
    res.setHeader('Vary', 'Origin');
    const permitted = origin !== undefined && allowed.has(origin);
    if (permitted) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (!preflight) {
      next();
      return;
    }
    if (permitted) {
      res.setHeader('Access-Control-Allow-Methods', 'POST');
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
    }
    res.statusCode = 204;
    res.end();
  };
}
