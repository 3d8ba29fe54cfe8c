/**
 * TLS fixtures for tests/tls.int.spec.ts: a throwaway CA with a server and a client certificate
 * made by the real `openssl` CLI, and a real TLS terminator in front of the plaintext Temporal
 * dev server (what a TLS-enabled frontend or Temporal Cloud looks like to a client).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestPki {
  dir: string;
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  remove(): Promise<void>;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** One CA; the server certificate names 127.0.0.1 and localhost; the client's is for clientAuth. */
export async function createTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'warden-tls-'));
  const at = (name: string) => join(dir, name);
  // Option and value side by side read better than one per line.
  // prettier-ignore
  await run('openssl', [
    'req', '-x509', ...EC_KEY, '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2',
    '-subj', '/CN=Warden test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const issue = async (name: string, subject: string, extensions: string[]): Promise<void> => {
    await writeFile(at(`${name}.ext`), [...extensions, 'basicConstraints=critical,CA:FALSE', ''].join('\n'));
    // prettier-ignore
    await run('openssl', ['req', '-new', ...EC_KEY, '-keyout', at(`${name}.key`), '-out', at(`${name}.csr`), '-subj', subject]);
    // prettier-ignore
    await run('openssl', [
      'x509', '-req', '-in', at(`${name}.csr`), '-CA', at('ca.pem'), '-CAkey', at('ca.key'),
      '-set_serial', String(Date.now()), '-days', '2', '-out', at(`${name}.pem`), '-extfile', at(`${name}.ext`),
    ]);
  };
  await issue('server', '/CN=localhost', [
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
  ]);
  await issue('client', '/CN=warden-worker', [
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=clientAuth',
  ]);
  return {
    dir,
    caFile: at('ca.pem'),
    serverCertFile: at('server.pem'),
    serverKeyFile: at('server.key'),
    clientCertFile: at('client.pem'),
    clientKeyFile: at('client.key'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface TlsTerminator {
  /** host:port to give Temporal clients. */
  address: string;
  /** Common names of the client certificates it accepted (mTLS). */
  clientNames: string[];
  close(): Promise<void>;
}

/**
 * TLS in front of `upstream` (the plaintext dev server), speaking h2 as gRPC needs. With
 * `requireClientCert`, a client without a certificate from the CA is refused in the handshake.
 */
export async function startTlsTerminator(
  pki: TestPki,
  upstream: string,
  opts: { requireClientCert: boolean },
): Promise<TlsTerminator> {
  const separator = upstream.lastIndexOf(':');
  const upstreamHost = upstream.slice(0, separator);
  const upstreamPort = Number(upstream.slice(separator + 1));
  const sockets = new Set<Socket>();
  const clientNames: string[] = [];
  const server = createServer(
    {
      cert: await readFile(pki.serverCertFile),
      key: await readFile(pki.serverKeyFile),
      ALPNProtocols: ['h2'],
      ...(opts.requireClientCert
        ? { requestCert: true, rejectUnauthorized: true, ca: await readFile(pki.caFile) }
        : {}),
    },
    (secure: TLSSocket) => {
      const name = secure.getPeerCertificate().subject?.CN;
      if (typeof name === 'string') clientNames.push(name);
      const plain = connect(upstreamPort, upstreamHost);
      for (const socket of [secure, plain]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      }
      // Either side failing ends both: a half-open gRPC stream would hang the test instead.
      secure.on('error', () => plain.destroy());
      plain.on('error', () => secure.destroy());
      secure.pipe(plain).pipe(secure);
    },
  );
  // Refused handshakes are the point of some tests, not failures of the terminator.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the terminator has no port');
  return {
    address: `127.0.0.1:${address.port}`,
    clientNames,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
