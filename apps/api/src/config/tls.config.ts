import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { describeTemporalTls, loadTemporalTlsConfig, TemporalTlsConfigError } from '@warden/engine';

type Env = Record<string, string | undefined>;

/** The API's own certificate, as Node's https server takes it (Nest's httpsOptions). */
export interface HttpsMaterial {
  cert: Buffer;
  key: Buffer;
  certFile: string;
  keyFile: string;
}

/** TLS on both sides of the API: the clients calling it, and its connection to Temporal. */
export interface TlsSettings {
  /**
   * WARDEN_TLS_CERT_FILE + WARDEN_TLS_KEY_FILE: serve HTTPS with this PEM certificate (chain)
   * and unencrypted PEM key. Both or neither; default neither (plain HTTP, for a TLS-terminating
   * proxy or local use).
   */
  https: HttpsMaterial | undefined;
  /** TEMPORAL_TLS, TEMPORAL_TLS_CA_FILE, _CERT_FILE, _KEY_FILE, _SERVER_NAME: see @warden/engine. */
  temporal: TLSConfig | undefined;
}

export const NO_TLS: TlsSettings = { https: undefined, temporal: undefined };

/**
 * A TLS variable that cannot work. Separate from ConfigError only because api.config.ts imports
 * this file (the reverse import would be a cycle); ApiConfig.fromEnv turns it into one.
 */
export class TlsSettingError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'TlsSettingError';
  }
}

/** Reads every file now, so a bad certificate stops the boot instead of the first handshake. */
export function loadTlsSettings(env: Env): TlsSettings {
  const https = httpsMaterial(env);
  try {
    return { https, temporal: loadTemporalTlsConfig(env) };
  } catch (err) {
    if (err instanceof TemporalTlsConfigError) throw new TlsSettingError(err.variable, err.reason);
    throw err;
  }
}

/** For the startup log: file names and modes, never key material. */
export function describeTlsSettings(tls: TlsSettings): Record<string, string> {
  return {
    WARDEN_TLS_CERT_FILE: tls.https?.certFile ?? '(none)',
    WARDEN_TLS_KEY_FILE: tls.https?.keyFile ?? '(none)',
    TEMPORAL_TLS: describeTemporalTls(tls.temporal),
  };
}

function httpsMaterial(env: Env): HttpsMaterial | undefined {
  const certFile = env.WARDEN_TLS_CERT_FILE || undefined;
  const keyFile = env.WARDEN_TLS_KEY_FILE || undefined;
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (keyFile === undefined) {
    throw new TlsSettingError('WARDEN_TLS_KEY_FILE', 'is required with WARDEN_TLS_CERT_FILE');
  }
  if (certFile === undefined) {
    throw new TlsSettingError('WARDEN_TLS_CERT_FILE', 'is required with WARDEN_TLS_KEY_FILE');
  }
  const cert = readPem('WARDEN_TLS_CERT_FILE', certFile);
  const key = readPem('WARDEN_TLS_KEY_FILE', keyFile);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new TlsSettingError('WARDEN_TLS_CERT_FILE', `${certFile} holds no readable PEM certificate`);
  }
  let matches: boolean;
  try {
    matches = certificate.checkPrivateKey(createPrivateKey(key));
  } catch {
    throw new TlsSettingError(
      'WARDEN_TLS_KEY_FILE',
      `${keyFile} holds no readable private key (PEM, not encrypted)`,
    );
  }
  if (!matches) {
    throw new TlsSettingError(
      'WARDEN_TLS_KEY_FILE',
      `${keyFile} is not the key of the certificate in ${certFile}`,
    );
  }
  if (Date.parse(certificate.validTo) < Date.now()) {
    throw new TlsSettingError(
      'WARDEN_TLS_CERT_FILE',
      `the certificate in ${certFile} expired on ${certificate.validTo}`,
    );
  }
  return { cert, key, certFile, keyFile };
}

function readPem(variable: string, file: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw new TlsSettingError(variable, `cannot read ${file} (${code})`);
  }
  // Node would also take DER; the operator docs promise PEM, as the Temporal variables need.
  if (!content.toString('utf8').includes('-----BEGIN ')) {
    throw new TlsSettingError(variable, `${file} is not PEM`);
  }
  return content;
}
