import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  createKeyProvider,
  CryptoError,
  type GeneratedDataKey,
  type KeyContext,
  type KeyProvider,
  type KeyProviderKind,
  type WrappedDataKey,
} from '@warden/crypto';
import { ApiConfig } from '../config/api.config';

/** Injection token of the API's KeyProvider (an interface, so it needs one). */
export const KEY_PROVIDER = 'warden:KeyProvider';

/**
 * The configured key provider, made when the application initializes rather than when it is
 * built: building the OpenAPI document or the route table reads no key file and creates none,
 * while a real start (listen) fails at once on an unusable key.
 */
@Injectable()
export class ConfiguredKeyProvider implements KeyProvider, OnModuleInit {
  private provider: KeyProvider | undefined;
  private loading: Promise<KeyProvider> | undefined;

  constructor(private readonly config: ApiConfig) {}

  get kind(): KeyProviderKind {
    return this.config.crypto.provider;
  }

  async onModuleInit(): Promise<void> {
    await this.ready();
  }

  currentMasterKeyId(): string {
    if (this.provider === undefined) {
      throw new CryptoError('key_config_invalid', 'the key provider is used before the API initialized');
    }
    return this.provider.currentMasterKeyId();
  }

  async generateDataKey(context: KeyContext): Promise<GeneratedDataKey> {
    return (await this.ready()).generateDataKey(context);
  }

  async unwrapDataKey(key: WrappedDataKey, context: KeyContext): Promise<Buffer> {
    return (await this.ready()).unwrapDataKey(key, context);
  }

  async wrapDataKey(plaintext: Buffer, context: KeyContext): Promise<WrappedDataKey> {
    return (await this.ready()).wrapDataKey(plaintext, context);
  }

  private ready(): Promise<KeyProvider> {
    this.loading ??= createKeyProvider(this.config.crypto).then(
      (provider) => (this.provider = provider),
      (err: unknown) => {
        this.loading = undefined;
        throw err;
      },
    );
    return this.loading;
  }
}
