/**
 * Warden's keys and ciphers: per-tenant data keys wrapped by a master key (local or AWS KMS),
 * AES-256-GCM ciphertext bound to where it belongs, and the Temporal payload codec.
 *
 *   const ring = new KeyRing({ provider: await createKeyProvider(loadCryptoConfig(process.env)), store });
 *   const cipher = new FieldCipher(ring);
 *   const stored = await cipher.encrypt({ tenantId, table: 'credential_versions', recordId, field: 'data' }, secret);
 */
export {
  TENANT_SCOPE,
  type DataKey,
  type DataKeyState,
  type DataKeyStore,
  type FieldContext,
  type GeneratedDataKey,
  type KeyContext,
  type KeyProvider,
  type KeyProviderKind,
  type KeyScope,
  type StoredDataKey,
  type WrappedDataKey,
} from './contract';
export { CryptoError, isUnreadableCiphertext, type CryptoErrorCode } from './crypto.errors';
export { additionalData, open, seal, sealedKeyVersion, SEALED_OVERHEAD_BYTES } from './envelope';
export { KeyRing, type KeyRingOptions } from './key-ring';
export { FieldCipher } from './field-cipher';
export { PlatformSecretBox, PLATFORM_TENANT_ID, type SealedPlatformSecret } from './platform-secret-box';
export { InMemoryDataKeyStore } from './in-memory-store';
export { LocalKeyProvider, masterKeyId, type LocalKeyProviderConfig } from './local-provider';
export { AwsKmsKeyProvider, type AwsKmsKeyProviderConfig } from './aws-kms-provider';
export {
  createKeyProvider,
  describeCryptoConfig,
  loadCryptoConfig,
  type AwsKmsCryptoConfig,
  type CryptoConfig,
  type LocalCryptoConfig,
} from './crypto.config';
export {
  ENCRYPTED_PAYLOAD_ENCODING,
  ENCRYPTION_KEY_ID_METADATA,
  TEMPORAL_FAILURE_CONVERTER_PATH,
  TenantPayloadCodec,
  formatPayloadKeyId,
  isEncryptedPayload,
  parsePayloadKeyId,
  payloadKeyIdOf,
  tenantDataConverter,
  type PayloadKeyId,
} from './temporal-codec';
export {
  CODEC_BASE64_PATTERN,
  payloadFromCodecJson,
  payloadToCodecJson,
  payloadsFromCodecJson,
  payloadsToCodecJson,
  type CodecBodyJson,
  type CodecPayloadJson,
} from './codec-protocol';
