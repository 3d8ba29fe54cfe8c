import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { GeneratedDataKey, KeyContext, KeyProvider, WrappedDataKey } from './contract';
import { CryptoError } from './crypto.errors';

export interface AwsKmsKeyProviderConfig {
  /** Key id, ARN or alias of the KMS key that wraps data keys. */
  keyId: string;
  region: string;
  /** Overrides the AWS endpoint (local-kms in tests, a VPC endpoint in production). */
  endpoint?: string;
  /** Static credentials; without them the SDK's default chain (env, role) is used. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Data keys generated and unwrapped by AWS KMS (GenerateDataKey, Decrypt; Encrypt to rewrap).
 * The tenant and scope travel as the encryption context, so a wrapped key of one tenant does
 * not decrypt as another's, and CloudTrail shows whose key each call touched.
 */
export class AwsKmsKeyProvider implements KeyProvider {
  readonly kind = 'aws-kms' as const;
  private readonly client: KMSClient;
  private keyArn: string;

  constructor(private readonly config: AwsKmsKeyProviderConfig) {
    this.client = new KMSClient({
      region: config.region,
      ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
      ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    });
    this.keyArn = config.keyId;
  }

  /** The configured key id until the first KMS answer tells us its ARN. */
  currentMasterKeyId(): string {
    return this.keyArn;
  }

  async generateDataKey(context: KeyContext): Promise<GeneratedDataKey> {
    const out = await this.call('GenerateDataKey', () =>
      this.client.send(
        new GenerateDataKeyCommand({
          KeyId: this.config.keyId,
          KeySpec: 'AES_256',
          EncryptionContext: encryptionContext(context),
        }),
      ),
    );
    if (!out.Plaintext || !out.CiphertextBlob || !out.KeyId) {
      throw new CryptoError('key_provider_failed', 'KMS GenerateDataKey returned no key');
    }
    this.keyArn = out.KeyId;
    return {
      plaintext: Buffer.from(out.Plaintext),
      wrapped: Buffer.from(out.CiphertextBlob),
      masterKeyId: out.KeyId,
    };
  }

  async unwrapDataKey(key: WrappedDataKey, context: KeyContext): Promise<Buffer> {
    const out = await this.call('Decrypt', () =>
      this.client.send(
        new DecryptCommand({
          CiphertextBlob: key.wrapped,
          KeyId: key.masterKeyId,
          EncryptionContext: encryptionContext(context),
        }),
      ),
    );
    if (!out.Plaintext) throw new CryptoError('key_provider_failed', 'KMS Decrypt returned no key');
    return Buffer.from(out.Plaintext);
  }

  async wrapDataKey(plaintext: Buffer, context: KeyContext): Promise<WrappedDataKey> {
    const out = await this.call('Encrypt', () =>
      this.client.send(
        new EncryptCommand({
          KeyId: this.config.keyId,
          Plaintext: plaintext,
          EncryptionContext: encryptionContext(context),
        }),
      ),
    );
    if (!out.CiphertextBlob || !out.KeyId)
      throw new CryptoError('key_provider_failed', 'KMS Encrypt returned nothing');
    this.keyArn = out.KeyId;
    return { wrapped: Buffer.from(out.CiphertextBlob), masterKeyId: out.KeyId };
  }

  close(): void {
    this.client.destroy();
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      const name = err instanceof Error ? err.name : 'Error';
      const message = err instanceof Error ? err.message : String(err);
      // InvalidCiphertextException: wrong key or wrong encryption context (another tenant's key);
      // IncorrectKeyException: AWS's answer when the stored key id is not the key that wrapped it.
      const mismatch = name === 'InvalidCiphertextException' || name === 'IncorrectKeyException';
      const code = mismatch ? 'master_key_mismatch' : 'key_provider_failed';
      throw new CryptoError(code, `KMS ${operation} failed: ${name}: ${message}`, err);
    }
  }
}

function encryptionContext(context: KeyContext): Record<string, string> {
  return { 'warden:tenant': context.tenantId, 'warden:scope': context.scope };
}
