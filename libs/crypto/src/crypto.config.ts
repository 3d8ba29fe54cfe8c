import { isAbsolute, join, resolve } from 'node:path';
import type { KeyProvider } from './contract';
import { CryptoError } from './crypto.errors';
import { AwsKmsKeyProvider } from './aws-kms-provider';
import { LocalKeyProvider } from './local-provider';

type Env = Record<string, string | undefined>;

/** Key settings shared by the API, the worker and the CLI; read once at boot. */
export type CryptoConfig = LocalCryptoConfig | AwsKmsCryptoConfig;

interface CommonCryptoConfig {
  /** WARDEN_DATA_KEY_CACHE_TTL_MS: how long unwrapped data keys stay in memory. Default 300000. */
  dataKeyCacheTtlMs: number;
}

export interface LocalCryptoConfig extends CommonCryptoConfig {
  provider: 'local';
  /** WARDEN_MASTER_KEY (base64, 32 bytes). Sensitive. */
  masterKey?: Buffer;
  /** WARDEN_MASTER_KEY_PREVIOUS: comma-separated base64 keys kept for unwrapping after a rotation. */
  previousMasterKeys: Buffer[];
  /** WARDEN_MASTER_KEY_FILE, default `<WARDEN_DATA_DIR>/master.key` (WARDEN_DATA_DIR default `.warden/data`). */
  keyFile: string;
}

export interface AwsKmsCryptoConfig extends CommonCryptoConfig {
  provider: 'aws-kms';
  /** WARDEN_KMS_KEY_ID: key id, ARN or alias. */
  keyId: string;
  /** WARDEN_KMS_REGION, else AWS_REGION, else us-east-1. */
  region: string;
  /** WARDEN_KMS_ENDPOINT: e.g. local-kms, or a VPC endpoint. */
  endpoint?: string;
}

/** Throws CryptoError('key_config_invalid') naming the first bad variable. */
export function loadCryptoConfig(env: Env): CryptoConfig {
  const dataKeyCacheTtlMs = ttlVar(env, 'WARDEN_DATA_KEY_CACHE_TTL_MS');
  const provider = env.WARDEN_KEY_PROVIDER || 'local';
  if (provider === 'aws-kms') {
    const keyId = env.WARDEN_KMS_KEY_ID;
    if (!keyId) throw invalid('WARDEN_KMS_KEY_ID', 'is required when WARDEN_KEY_PROVIDER=aws-kms');
    const endpoint = env.WARDEN_KMS_ENDPOINT || undefined;
    if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) {
      throw invalid('WARDEN_KMS_ENDPOINT', `must be an http(s) URL, got '${endpoint}'`);
    }
    return {
      provider,
      keyId,
      region: env.WARDEN_KMS_REGION || env.AWS_REGION || 'us-east-1',
      ...(endpoint === undefined ? {} : { endpoint }),
      dataKeyCacheTtlMs,
    };
  }
  if (provider !== 'local')
    throw invalid('WARDEN_KEY_PROVIDER', `must be 'local' or 'aws-kms', got '${provider}'`);
  const dataDir = env.WARDEN_DATA_DIR || '.warden/data';
  const keyFile = env.WARDEN_MASTER_KEY_FILE || join(dataDir, 'master.key');
  return {
    provider,
    ...(env.WARDEN_MASTER_KEY ? { masterKey: keyVar('WARDEN_MASTER_KEY', env.WARDEN_MASTER_KEY) } : {}),
    previousMasterKeys: (env.WARDEN_MASTER_KEY_PREVIOUS ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => keyVar('WARDEN_MASTER_KEY_PREVIOUS', part)),
    keyFile: isAbsolute(keyFile) ? keyFile : resolve(keyFile),
    dataKeyCacheTtlMs,
  };
}

export async function createKeyProvider(config: CryptoConfig): Promise<KeyProvider> {
  if (config.provider === 'aws-kms') {
    return new AwsKmsKeyProvider({
      keyId: config.keyId,
      region: config.region,
      ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    });
  }
  return LocalKeyProvider.fromConfig({
    ...(config.masterKey === undefined ? {} : { masterKey: config.masterKey }),
    previousMasterKeys: config.previousMasterKeys,
    keyFile: config.keyFile,
  });
}

/** For startup logs: which provider and key, never key material. */
export function describeCryptoConfig(config: CryptoConfig): Record<string, string | number> {
  return config.provider === 'aws-kms'
    ? {
        WARDEN_KEY_PROVIDER: 'aws-kms',
        WARDEN_KMS_KEY_ID: config.keyId,
        WARDEN_KMS_REGION: config.region,
        WARDEN_KMS_ENDPOINT: config.endpoint ?? '(AWS)',
      }
    : {
        WARDEN_KEY_PROVIDER: 'local',
        WARDEN_MASTER_KEY: config.masterKey === undefined ? `(file ${config.keyFile})` : '***',
        WARDEN_MASTER_KEY_PREVIOUS: config.previousMasterKeys.length === 0 ? '(none)' : '***',
      };
}

function keyVar(name: string, value: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || key.length !== 32) {
    throw invalid(name, 'must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)');
  }
  return key;
}

function ttlVar(env: Env, name: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return 300_000;
  if (!/^\d+$/.test(raw) || Number(raw) > 86_400_000) {
    throw invalid(name, `must be a whole number of milliseconds up to 86400000, got '${raw}'`);
  }
  return Number(raw);
}

function invalid(variable: string, message: string): CryptoError {
  return new CryptoError('key_config_invalid', `${variable} ${message}`);
}
