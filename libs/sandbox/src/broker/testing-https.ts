import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { SandboxFetchRequest } from '../contract';
import { InMemoryCredentialResolver } from './credentials';
import { createFetchBroker, type FetchBrokerOptions } from './fetch-broker';
import type { HostResolver } from './resolve';
import { aBrokerContext } from './testing';

/**
 * An HTTPS server on 127.0.0.1 for the broker's integration tests: a certificate made with
 * openssl for the test names, a resolver mapping those names (some to internal addresses), and
 * a broker that allows 127.0.0.1 only, so every other internal address stays refused.
 */

export const TOKEN = 'tok_live_5b1e7c0a9d3f4e2b8c6a';
export const PASSWORD = 'pa55-w0rd-for-basic';

const CERT_NAMES = ['api.test.example', 'other.test.example', 'private.test.example', 'loop2.test.example'];
const ADDRESSES: Record<string, string> = {
  'api.test.example': '127.0.0.1',
  'other.test.example': '127.0.0.1',
  'nocert.test.example': '127.0.0.1',
  'private.test.example': '10.0.0.5',
  'loop2.test.example': '127.0.0.2',
  'metadata.test.example': '169.254.169.254',
};

export interface Received {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface TestHttps {
  port: number;
  ca: Buffer;
  /** Requests the server got, in order; cleared by `reset()`. */
  received: Received[];
  url(host: string, path: string): string;
  broker(options?: FetchBrokerOptions): ReturnType<typeof createFetchBroker>;
  context(overrides?: Parameters<typeof aBrokerContext>[0]): ReturnType<typeof aBrokerContext>;
  reset(): void;
  close(): Promise<void>;
}

export const mapResolver: HostResolver = async (hostname) => {
  const address = ADDRESSES[hostname];
  if (!address) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return [{ address, family: 4 }];
};

export function request(target: string, extra: Partial<SandboxFetchRequest> = {}): SandboxFetchRequest {
  return { url: target, method: 'GET', headers: {}, ...extra };
}

export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => new Error('the fetch did not fail'),
    (error: unknown) => error as Error,
  );
}

export async function startTestHttps(): Promise<TestHttps> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-broker-'));
  const subjectAltName = CERT_NAMES.map((name) => `DNS:${name}`).join(',');
  // node:crypto has no X.509 writer; openssl is part of the toolchain.
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
    ].concat(
      ['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=api.test.example'],
      ['-addext', `subjectAltName=${subjectAltName}`],
    ),
    { stdio: 'ignore' },
  );
  const ca = readFileSync(join(dir, 'cert.pem'));
  const received: Received[] = [];
  const server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8'), received));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const credentials = new InMemoryCredentialResolver({
    'tenant-a': { 'api-token': { token: TOKEN }, 'basic-login': { username: 'robot', password: PASSWORD } },
  });
  return {
    port,
    ca,
    received,
    url: (host, path) => `https://${host}:${port}${path}`,
    broker: (options = {}) =>
      createFetchBroker({
        resolve: mapResolver,
        credentials,
        allowAddresses: ['127.0.0.1/32'],
        ca,
        ...options,
      }),
    context: (overrides = {}) =>
      aBrokerContext({
        ...overrides,
        capabilities: {
          allowedHosts: Object.keys(ADDRESSES).map((name) => `${name}:${port}`),
          credentials: [],
          ...overrides.capabilities,
        },
      }),
    reset: () => {
      received.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function handle(req: IncomingMessage, res: ServerResponse, body: string, received: Received[]): void {
  const target = new URL(req.url ?? '/', 'https://server');
  received.push({ path: target.pathname, method: req.method ?? '', headers: req.headers, body });
  const echo = JSON.stringify({ method: req.method, headers: req.headers, body });
  switch (target.pathname) {
    case '/echo':
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-echo-auth': req.headers.authorization ?? '',
      });
      res.end(echo);
      return;
    case '/echo-gzip':
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(echo));
      return;
    case '/big':
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('a'.repeat(Number(target.searchParams.get('n'))));
      return;
    case '/secret-at-cap': {
      // The bearer token starts 5 bytes before a 1000-byte cap.
      const token = (req.headers.authorization ?? '').slice('Bearer '.length);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`${'a'.repeat(995)}${token}${'z'.repeat(100)}`);
      return;
    }
    case '/redirect':
      res.writeHead(Number(target.searchParams.get('status') ?? 302), {
        location: target.searchParams.get('to') ?? '',
      });
      res.end();
      return;
    case '/hang':
      return;
    default:
      res.writeHead(404).end();
  }
}
