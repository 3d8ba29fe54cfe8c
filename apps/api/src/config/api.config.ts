import { CryptoError, describeCryptoConfig, loadCryptoConfig, type CryptoConfig } from '@warden/crypto';
import { SECURITY_PROFILES, type SecurityProfile } from '@warden/definition';
import {
  describeTlsSettings,
  loadTlsSettings,
  NO_TLS,
  TlsSettingError,
  type TlsSettings,
} from './tls.config';

/** Raised at boot; names the variable so the operator knows what to fix. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** The API's configuration, read from the environment once at boot and validated. */
export class ApiConfig {
  /** PORT: TCP port to listen on (0 picks a free one). Default 3000. */
  readonly port: number;
  /** HOST: interface to bind. Default 127.0.0.1 (local only). */
  readonly host: string;
  /** DATABASE_URL: PostgreSQL connection URL. Required. Sensitive (holds a password). */
  readonly databaseUrl: string;
  /** TEMPORAL_ADDRESS: host:port of the Temporal frontend. Default 127.0.0.1:7233. */
  readonly temporalAddress: string;
  /** TEMPORAL_NAMESPACE: Temporal namespace of the pooled tenants. Default 'default'. */
  readonly temporalNamespace: string;
  /**
   * WARDEN_MAX_PROFILE: the most privileged security profile any run may get. Default
   * 'elevated' so the examples run on a dev machine, 'standard' when NODE_ENV=production.
   */
  readonly maxProfile: SecurityProfile;
  /** WARDEN_BODY_LIMIT_BYTES: largest accepted request body. Default 1 MiB. */
  readonly bodyLimitBytes: number;
  /**
   * WARDEN_DB_APP_ROLE: the PostgreSQL role the API queries as (neither owner nor BYPASSRLS;
   * DATABASE_URL's user only migrates and creates it). Default 'warden_app'.
   */
  readonly databaseAppRole: string;
  /** WARDEN_DB_APP_PASSWORD: that role's password. Default none (trust or peer auth). Sensitive. */
  readonly databaseAppPassword: string | undefined;
  /**
   * WARDEN_BOOTSTRAP_TENANT, WARDEN_BOOTSTRAP_EMAIL, WARDEN_BOOTSTRAP_PASSWORD: on start, create
   * this tenant and this Owner (a platform admin) unless they exist. All three or none. The
   * password is sensitive and never logged.
   */
  readonly bootstrap: { tenant: string; email: string; password: string } | undefined;
  /** WARDEN_TOKEN_ISSUER: `iss` of access tokens. Default 'warden'. */
  readonly tokenIssuer: string;
  /** WARDEN_TOKEN_AUDIENCE: `aud` of access tokens. Default 'warden-api'. */
  readonly tokenAudience: string;
  /**
   * WARDEN_KEY_PROVIDER, WARDEN_MASTER_KEY (sensitive), WARDEN_MASTER_KEY_PREVIOUS (sensitive),
   * WARDEN_MASTER_KEY_FILE, WARDEN_DATA_DIR, WARDEN_KMS_*, WARDEN_DATA_KEY_CACHE_TTL_MS: the key
   * provider that wraps tenants' data keys (see @warden/crypto's loadCryptoConfig). Default: a
   * local master key in `.warden/data/master.key`, created on first start.
   */
  readonly crypto: CryptoConfig;
  /**
   * WARDEN_TLS_CERT_FILE + WARDEN_TLS_KEY_FILE (HTTPS for the API) and TEMPORAL_TLS_* (TLS or
   * mTLS to Temporal); see tls.config.ts and docs/tls.md. Default: plaintext on both.
   */
  readonly tls: TlsSettings;

  constructor(values: {
    port: number;
    host: string;
    databaseUrl: string;
    temporalAddress: string;
    temporalNamespace: string;
    maxProfile: SecurityProfile;
    bodyLimitBytes: number;
    databaseAppRole?: string;
    databaseAppPassword?: string | undefined;
    tokenIssuer?: string;
    tokenAudience?: string;
    bootstrap?: { tenant: string; email: string; password: string } | undefined;
    crypto?: CryptoConfig;
    tls?: TlsSettings;
  }) {
    this.port = values.port;
    this.host = values.host;
    this.databaseUrl = values.databaseUrl;
    this.temporalAddress = values.temporalAddress;
    this.temporalNamespace = values.temporalNamespace;
    this.maxProfile = values.maxProfile;
    this.bodyLimitBytes = values.bodyLimitBytes;
    this.databaseAppRole = values.databaseAppRole ?? 'warden_app';
    this.databaseAppPassword = values.databaseAppPassword;
    this.tokenIssuer = values.tokenIssuer ?? 'warden';
    this.tokenAudience = values.tokenAudience ?? 'warden-api';
    this.bootstrap = values.bootstrap;
    this.crypto = values.crypto ?? cryptoVars({});
    this.tls = values.tls ?? NO_TLS;
  }

  /** Reads and validates every variable; throws ConfigError naming the first bad one. */
  static fromEnv(env: Env): ApiConfig {
    return new ApiConfig({
      port: integerVar(env, 'PORT', 3000, 0, 65535),
      host: stringVar(env, 'HOST', '127.0.0.1'),
      databaseUrl: databaseUrlVar(env),
      temporalAddress: hostPortVar(env, 'TEMPORAL_ADDRESS', '127.0.0.1:7233'),
      temporalNamespace: stringVar(env, 'TEMPORAL_NAMESPACE', 'default'),
      maxProfile: profileVar(env, env.NODE_ENV === 'production' ? 'standard' : 'elevated'),
      bodyLimitBytes: integerVar(env, 'WARDEN_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
      databaseAppRole: roleNameVar(env, 'WARDEN_DB_APP_ROLE', 'warden_app'),
      databaseAppPassword: env.WARDEN_DB_APP_PASSWORD || undefined,
      tokenIssuer: stringVar(env, 'WARDEN_TOKEN_ISSUER', 'warden'),
      tokenAudience: stringVar(env, 'WARDEN_TOKEN_AUDIENCE', 'warden-api'),
      bootstrap: bootstrapVars(env),
      crypto: cryptoVars(env),
      tls: tlsVars(env),
    });
  }

  /** For logs: the password in DATABASE_URL is masked. */
  describe(): Record<string, string | number> {
    return {
      PORT: this.port,
      HOST: this.host,
      DATABASE_URL: maskUrlPassword(this.databaseUrl),
      TEMPORAL_ADDRESS: this.temporalAddress,
      TEMPORAL_NAMESPACE: this.temporalNamespace,
      WARDEN_MAX_PROFILE: this.maxProfile,
      WARDEN_BODY_LIMIT_BYTES: this.bodyLimitBytes,
      WARDEN_DB_APP_ROLE: this.databaseAppRole,
      WARDEN_DB_APP_PASSWORD: this.databaseAppPassword === undefined ? '(none)' : '***',
      WARDEN_TOKEN_ISSUER: this.tokenIssuer,
      WARDEN_TOKEN_AUDIENCE: this.tokenAudience,
      WARDEN_BOOTSTRAP_TENANT: this.bootstrap?.tenant ?? '(none)',
      WARDEN_BOOTSTRAP_EMAIL: this.bootstrap?.email ?? '(none)',
      WARDEN_BOOTSTRAP_PASSWORD: this.bootstrap === undefined ? '(none)' : '***',
      ...describeCryptoConfig(this.crypto),
      ...describeTlsSettings(this.tls),
    };
  }
}

function stringVar(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw.trim() !== raw) throw new ConfigError(name, 'must not start or end with whitespace');
  return raw;
}

function integerVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got '${raw}'`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function hostPortVar(env: Env, name: string, fallback: string): string {
  const value = stringVar(env, name, fallback);
  const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
  if (!match || Number(match[2]) > 65535) throw new ConfigError(name, `must be host:port, got '${value}'`);
  return value;
}

function databaseUrlVar(env: Env): string {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw === '') {
    throw new ConfigError('DATABASE_URL', 'is required (e.g. postgres://user:pass@127.0.0.1:5432/warden)');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a valid URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', `must use postgres:// or postgresql://, got '${url.protocol}//'`);
  }
  return raw;
}

function bootstrapVars(env: Env): ApiConfig['bootstrap'] {
  const names = ['WARDEN_BOOTSTRAP_TENANT', 'WARDEN_BOOTSTRAP_EMAIL', 'WARDEN_BOOTSTRAP_PASSWORD'] as const;
  const [tenant, email, password] = names.map((name) => env[name] || undefined);
  if (tenant === undefined && email === undefined && password === undefined) return undefined;
  const missing = names.find((name) => !env[name]);
  if (missing) throw new ConfigError(missing, 'is required when any WARDEN_BOOTSTRAP_* variable is set');
  return { tenant: tenant!, email: email!, password: password! };
}

/** loadCryptoConfig names the variable first in its message; a ConfigError names it too. */
function cryptoVars(env: Env): CryptoConfig {
  try {
    return loadCryptoConfig(env);
  } catch (err) {
    if (!(err instanceof CryptoError)) throw err;
    const [variable = 'WARDEN_KEY_PROVIDER', ...rest] = err.message.split(' ');
    throw new ConfigError(variable, rest.join(' '));
  }
}

function tlsVars(env: Env): TlsSettings {
  try {
    return loadTlsSettings(env);
  } catch (err) {
    if (err instanceof TlsSettingError) throw new ConfigError(err.variable, err.reason);
    throw err;
  }
}

function roleNameVar(env: Env, name: string, fallback: string): string {
  const value = stringVar(env, name, fallback);
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) {
    throw new ConfigError(name, `must be a lower-case PostgreSQL role name, got '${value}'`);
  }
  return value;
}

function profileVar(env: Env, fallback: SecurityProfile): SecurityProfile {
  const raw = env.WARDEN_MAX_PROFILE;
  if (raw === undefined || raw === '') return fallback;
  const profile = SECURITY_PROFILES.find((p) => p === raw);
  if (!profile)
    throw new ConfigError(
      'WARDEN_MAX_PROFILE',
      `must be one of ${SECURITY_PROFILES.join(', ')}, got '${raw}'`,
    );
  return profile;
}

function maskUrlPassword(raw: string): string {
  const url = new URL(raw);
  if (url.password) url.password = '***';
  return url.toString();
}
