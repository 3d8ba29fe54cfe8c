/**
 * TLS and mTLS to the Temporal frontend, read from the environment. The API's client and the
 * worker's native connection both take it from here, so they read the same variables and refuse
 * the same mistakes at boot rather than at the first (lazy) connection.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';

type Env = Record<string, string | undefined>;

export const TEMPORAL_TLS_VARIABLES = [
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CA_FILE',
  'TEMPORAL_TLS_CERT_FILE',
  'TEMPORAL_TLS_KEY_FILE',
  'TEMPORAL_TLS_SERVER_NAME',
] as const;

export type TemporalTlsVariable = (typeof TEMPORAL_TLS_VARIABLES)[number];

/** A TEMPORAL_TLS_* setting that cannot work; `message` starts with the variable's name. */
export class TemporalTlsConfigError extends Error {
  constructor(
    readonly variable: TemporalTlsVariable,
    /** What is wrong, naming the file where there is one (the message without the variable). */
    readonly reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'TemporalTlsConfigError';
  }
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The SDK's TLS options, or undefined for a plaintext connection (the dev server's default).
 *
 * - TEMPORAL_TLS: true or false. Any of the variables below implies true; false with any of
 *   them set is refused rather than silently dropping a certificate someone configured.
 * - TEMPORAL_TLS_CA_FILE: PEM root CA(s) of the server. Default: the system's trust store.
 * - TEMPORAL_TLS_CERT_FILE + TEMPORAL_TLS_KEY_FILE: the client's PEM certificate and unencrypted
 *   PEM key, for mTLS (e.g. Temporal Cloud). Both or neither.
 * - TEMPORAL_TLS_SERVER_NAME: the name to verify the server's certificate against (and send as
 *   SNI) when it differs from TEMPORAL_ADDRESS's host.
 *
 *   const connection = await NativeConnection.connect({ address, tls: loadTemporalTlsConfig(process.env) });
 */
export function loadTemporalTlsConfig(env: Env): TLSConfig | undefined {
  const enabled = flagVar(env);
  const caFile = setting(env, 'TEMPORAL_TLS_CA_FILE');
  const certFile = setting(env, 'TEMPORAL_TLS_CERT_FILE');
  const keyFile = setting(env, 'TEMPORAL_TLS_KEY_FILE');
  const serverName = setting(env, 'TEMPORAL_TLS_SERVER_NAME');
  const configured = TEMPORAL_TLS_VARIABLES.slice(1).filter((name) => setting(env, name) !== undefined);
  if (enabled === false) {
    if (configured.length > 0) {
      throw new TemporalTlsConfigError('TEMPORAL_TLS', `is false but ${configured.join(', ')} is set`);
    }
    return undefined;
  }
  if (enabled === undefined && configured.length === 0) return undefined;

  if (certFile !== undefined && keyFile === undefined) {
    throw new TemporalTlsConfigError('TEMPORAL_TLS_KEY_FILE', 'is required with TEMPORAL_TLS_CERT_FILE');
  }
  if (keyFile !== undefined && certFile === undefined) {
    throw new TemporalTlsConfigError('TEMPORAL_TLS_CERT_FILE', 'is required with TEMPORAL_TLS_KEY_FILE');
  }

  const tls: TLSConfig = {};
  if (caFile !== undefined) {
    tls.serverRootCACertificate = readCertificates('TEMPORAL_TLS_CA_FILE', caFile).pem;
  }
  if (certFile !== undefined && keyFile !== undefined) {
    const certificate = readCertificates('TEMPORAL_TLS_CERT_FILE', certFile);
    const key = readPrivateKey('TEMPORAL_TLS_KEY_FILE', keyFile);
    if (!certificate.leaf.checkPrivateKey(key.object)) {
      throw new TemporalTlsConfigError(
        'TEMPORAL_TLS_KEY_FILE',
        `${keyFile} is not the key of the certificate in ${certFile}`,
      );
    }
    if (Date.parse(certificate.leaf.validTo) < Date.now()) {
      throw new TemporalTlsConfigError(
        'TEMPORAL_TLS_CERT_FILE',
        `the certificate in ${certFile} expired on ${certificate.leaf.validTo}`,
      );
    }
    tls.clientCertPair = { crt: certificate.pem, key: key.pem };
  }
  if (serverName !== undefined) {
    if (!/^[A-Za-z0-9.-]+$/.test(serverName)) {
      throw new TemporalTlsConfigError(
        'TEMPORAL_TLS_SERVER_NAME',
        `must be a host name, got '${serverName}'`,
      );
    }
    tls.serverNameOverride = serverName;
  }
  return tls;
}

/** For startup logs: which mode, never the material. */
export function describeTemporalTls(tls: TLSConfig | undefined): 'off' | 'tls' | 'mtls' {
  if (tls === undefined) return 'off';
  return tls.clientCertPair === undefined ? 'tls' : 'mtls';
}

function setting(env: Env, name: TemporalTlsVariable): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw.trim() !== raw) throw new TemporalTlsConfigError(name, 'must not start or end with whitespace');
  return raw;
}

function flagVar(env: Env): boolean | undefined {
  const raw = setting(env, 'TEMPORAL_TLS');
  if (raw === undefined) return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new TemporalTlsConfigError('TEMPORAL_TLS', `must be true or false, got '${raw}'`);
}

function readFile(variable: TemporalTlsVariable, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw new TemporalTlsConfigError(variable, `cannot read ${file} (${code})`);
  }
}

/** PEM only: the SDK's native core does not take DER. */
function readCertificates(
  variable: TemporalTlsVariable,
  file: string,
): { pem: Buffer; leaf: X509Certificate } {
  const pem = readFile(variable, file);
  const parsed = (pem.toString('utf8').match(CERTIFICATE_BLOCK) ?? []).map((block) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw new TemporalTlsConfigError(variable, `${file} holds a certificate that does not parse`);
    }
  });
  const [leaf] = parsed;
  if (leaf === undefined) throw new TemporalTlsConfigError(variable, `${file} holds no PEM certificate`);
  return { pem, leaf };
}

function readPrivateKey(variable: TemporalTlsVariable, file: string): { pem: Buffer; object: KeyObject } {
  const pem = readFile(variable, file);
  const text = pem.toString('utf8');
  const unreadable = new TemporalTlsConfigError(
    variable,
    `${file} holds no readable private key (PEM, not encrypted)`,
  );
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) throw unreadable;
  try {
    return { pem, object: createPrivateKey(text) };
  } catch {
    throw unreadable;
  }
}
