import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TENANT_SCOPE, type KeyScope } from './contract';
import { CryptoError } from './crypto.errors';
import { additionalData, open, seal, sealedKeyVersion } from './envelope';
import type { KeyRing } from './key-ring';

/** The `encoding` metadata of a payload this codec sealed. */
export const ENCRYPTED_PAYLOAD_ENCODING = 'binary/encrypted';
/** Metadata naming the data key: `<tenantId>/<scope>/<version>`. */
export const ENCRYPTION_KEY_ID_METADATA = 'encryption-key-id';

/**
 * The module exporting the failure converter every Warden worker, client and workflow bundle
 * uses (failure messages and stack traces go through the codec too).
 */
export const TEMPORAL_FAILURE_CONVERTER_PATH = require.resolve('./temporal-failure-converter');

const ENCODING_KEY = 'encoding';
const ENCODING_BYTES = Buffer.from(ENCRYPTED_PAYLOAD_ENCODING, 'utf8');
const PayloadProto = temporal.api.common.v1.Payload;

/** Which data key sealed a payload, as its metadata says. */
export interface PayloadKeyId {
  tenantId: string;
  scope: KeyScope;
  version: number;
}

export function formatPayloadKeyId(id: PayloadKeyId): string {
  return `${id.tenantId}/${id.scope}/${id.version}`;
}

/** Throws ciphertext_malformed when `text` is not `<tenantId>/<scope>/<version>`. */
export function parsePayloadKeyId(text: string): PayloadKeyId {
  const first = text.indexOf('/');
  const last = text.lastIndexOf('/');
  const tenantId = text.slice(0, first);
  const scope = text.slice(first + 1, last);
  const version = text.slice(last + 1);
  if (first <= 0 || last <= first || !isKeyScope(scope) || !/^[1-9]\d{0,9}$/.test(version)) {
    throw new CryptoError(
      'ciphertext_malformed',
      `payload key id must be '<tenantId>/<scope>/<version>', got '${text.slice(0, 120)}'`,
    );
  }
  return { tenantId, scope, version: Number(version) };
}

function isKeyScope(scope: string): scope is KeyScope {
  return scope === TENANT_SCOPE || (scope.startsWith('subject:') && scope.length > 'subject:'.length);
}

export function isEncryptedPayload(payload: Payload): boolean {
  const encoding = payload.metadata?.[ENCODING_KEY];
  return encoding !== undefined && encoding !== null && ENCODING_BYTES.equals(encoding);
}

/**
 * The key id of an encrypted payload; undefined for any other payload. Throws
 * ciphertext_malformed when the payload says it is encrypted but names no valid key.
 */
export function payloadKeyIdOf(payload: Payload): PayloadKeyId | undefined {
  if (!isEncryptedPayload(payload)) return undefined;
  const raw = payload.metadata?.[ENCRYPTION_KEY_ID_METADATA];
  if (raw === undefined || raw === null) {
    throw new CryptoError(
      'ciphertext_malformed',
      `an encrypted payload has no '${ENCRYPTION_KEY_ID_METADATA}'`,
    );
  }
  return parsePayloadKeyId(Buffer.from(raw).toString('utf8'));
}

/**
 * Temporal payload codec of one tenant: each payload, serialized whole (metadata included), is
 * sealed with the tenant's current data key, so Temporal's history holds ciphertext only. The
 * key comes from the KeyRing's cache: no KMS call per payload.
 *
 *   Worker.create({ ..., dataConverter: tenantDataConverter(ring, tenantId) });
 *
 * Decoding leaves payloads that are not encrypted as they are (histories recorded before
 * encryption still replay), and refuses another tenant's payloads with
 * ciphertext_context_mismatch: a tenant's worker never decrypts another tenant's data.
 */
export class TenantPayloadCodec implements PayloadCodec {
  constructor(
    private readonly ring: KeyRing,
    readonly tenantId: string,
  ) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    if (payloads.length === 0) return payloads;
    const key = await this.ring.currentKey({ tenantId: this.tenantId, scope: TENANT_SCOPE });
    const aad = payloadAad(this.tenantId, key.version);
    const keyId = Buffer.from(
      formatPayloadKeyId({ tenantId: this.tenantId, scope: TENANT_SCOPE, version: key.version }),
      'utf8',
    );
    return payloads.map((payload) => ({
      metadata: { [ENCODING_KEY]: ENCODING_BYTES, [ENCRYPTION_KEY_ID_METADATA]: keyId },
      data: seal(key, aad, Buffer.from(PayloadProto.encode(payload).finish())),
    }));
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((payload) => this.decodeOne(payload)));
  }

  private async decodeOne(payload: Payload): Promise<Payload> {
    const id = payloadKeyIdOf(payload);
    if (id === undefined) return payload;
    if (id.tenantId !== this.tenantId) {
      throw new CryptoError('ciphertext_context_mismatch', 'this payload was encrypted for another tenant');
    }
    if (id.scope !== TENANT_SCOPE) {
      throw new CryptoError(
        'ciphertext_malformed',
        `payloads are sealed with the tenant key, not '${id.scope}'`,
      );
    }
    const data = payload.data ?? new Uint8Array();
    const sealed = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    // The metadata is not authenticated, the sealed header is: they must agree.
    if (sealedKeyVersion(sealed) !== id.version) {
      throw new CryptoError('ciphertext_tampered', "the payload's key id does not match its ciphertext");
    }
    const key = await this.ring.key({ tenantId: id.tenantId, scope: id.scope }, id.version);
    return PayloadProto.decode(open(key, payloadAad(id.tenantId, id.version), sealed));
  }
}

/**
 * The tenant's data converter for Temporal clients and workers: its payload codec, and the
 * failure converter that moves failure messages into (encrypted) payloads.
 */
export function tenantDataConverter(ring: KeyRing, tenantId: string): DataConverter {
  return {
    payloadCodecs: [new TenantPayloadCodec(ring, tenantId)],
    failureConverterPath: TEMPORAL_FAILURE_CONVERTER_PATH,
  };
}

function payloadAad(tenantId: string, version: number): Buffer {
  return additionalData('temporal-payload', tenantId, version);
}
