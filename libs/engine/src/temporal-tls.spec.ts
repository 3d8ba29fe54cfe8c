import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeTemporalTls, loadTemporalTlsConfig, TemporalTlsConfigError } from './temporal-tls';

// Files with a valid certificate are made with openssl in tests/tls.int.spec.ts; these cover
// every refusal that needs no certificate.
let dir: string;
let keyFile: string;
let brokenCertFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-temporal-tls-'));
  keyFile = join(dir, 'client.key');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  brokenCertFile = join(dir, 'broken.pem');
  writeFileSync(brokenCertFile, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refusal(env: Record<string, string>): TemporalTlsConfigError {
  try {
    loadTemporalTlsConfig(env);
  } catch (err) {
    if (err instanceof TemporalTlsConfigError) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('loadTemporalTlsConfig', () => {
  it('is plaintext when nothing is set, or TEMPORAL_TLS is false or empty', () => {
    expect(loadTemporalTlsConfig({})).toBeUndefined();
    expect(loadTemporalTlsConfig({ TEMPORAL_TLS: 'false' })).toBeUndefined();
    expect(loadTemporalTlsConfig({ TEMPORAL_TLS: '' })).toBeUndefined();
    expect(describeTemporalTls(undefined)).toBe('off');
  });

  it('turns on TLS with the system trust store for TEMPORAL_TLS=true', () => {
    const tls = loadTemporalTlsConfig({ TEMPORAL_TLS: 'true' });
    expect(tls).toEqual({});
    expect(describeTemporalTls(tls)).toBe('tls');
  });

  it('takes a server name, which alone implies TLS', () => {
    expect(loadTemporalTlsConfig({ TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' })).toEqual({
      serverNameOverride: 'temporal.internal',
    });
  });

  it.each([
    [{ TEMPORAL_TLS: 'yes' }, 'TEMPORAL_TLS', "must be true or false, got 'yes'"],
    [{ TEMPORAL_TLS: ' true' }, 'TEMPORAL_TLS', 'whitespace'],
    [
      { TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA_FILE: '/etc/ca.pem' },
      'TEMPORAL_TLS',
      'is false but TEMPORAL_TLS_CA_FILE is set',
    ],
    [
      { TEMPORAL_TLS_CERT_FILE: '/etc/client.pem' },
      'TEMPORAL_TLS_KEY_FILE',
      'is required with TEMPORAL_TLS_CERT_FILE',
    ],
    [
      { TEMPORAL_TLS: 'true', TEMPORAL_TLS_KEY_FILE: '/etc/client.key' },
      'TEMPORAL_TLS_CERT_FILE',
      'is required with TEMPORAL_TLS_KEY_FILE',
    ],
    [{ TEMPORAL_TLS_SERVER_NAME: 'bad name' }, 'TEMPORAL_TLS_SERVER_NAME', 'must be a host name'],
  ])('refuses %j naming %s', (env, variable, fragment) => {
    const error = refusal(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(`${variable}: `);
    expect(error.message).toContain(fragment);
  });

  it('names the variable and the file when a file cannot be read', () => {
    const missing = join(dir, 'missing-ca.pem');
    const error = refusal({ TEMPORAL_TLS_CA_FILE: missing });
    expect(error.variable).toBe('TEMPORAL_TLS_CA_FILE');
    expect(error.message).toBe(`TEMPORAL_TLS_CA_FILE: cannot read ${missing} (ENOENT)`);
  });

  it('refuses a CA file without a PEM certificate, and one whose certificate does not parse', () => {
    expect(refusal({ TEMPORAL_TLS_CA_FILE: keyFile }).message).toBe(
      `TEMPORAL_TLS_CA_FILE: ${keyFile} holds no PEM certificate`,
    );
    expect(refusal({ TEMPORAL_TLS_CA_FILE: brokenCertFile }).message).toBe(
      `TEMPORAL_TLS_CA_FILE: ${brokenCertFile} holds a certificate that does not parse`,
    );
  });

  it('checks the client certificate before its key', () => {
    const error = refusal({ TEMPORAL_TLS_CERT_FILE: keyFile, TEMPORAL_TLS_KEY_FILE: keyFile });
    expect(error.variable).toBe('TEMPORAL_TLS_CERT_FILE');
    expect(error.message).toContain(keyFile);
  });
});
