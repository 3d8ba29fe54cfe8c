import { Injectable } from '@nestjs/common';
import { canOn, type WardenAbility } from '@warden/authz';
import {
  isUnreadableCiphertext,
  KeyRing,
  payloadFromCodecJson,
  payloadKeyIdOf,
  payloadToCodecJson,
  TenantPayloadCodec,
  type CodecBodyJson,
  type CodecPayloadJson,
  type PayloadKeyId,
} from '@warden/crypto';
import type { TenantScope } from '@warden/persistence';

/**
 * Temporal's codec server, for the Web UI and the `temporal` CLI. A payload is decrypted only
 * for a caller who may read runs in the tenant its key belongs to; any other payload comes back
 * exactly as it was sent, still encrypted.
 */
@Injectable()
export class CodecService {
  constructor(private readonly ring: KeyRing) {}

  async decode(ability: WardenAbility, body: CodecBodyJson): Promise<CodecBodyJson> {
    return { payloads: await Promise.all(body.payloads.map((payload) => this.decodeOne(ability, payload))) };
  }

  /** With the caller's own tenant key: what the UI sends (a signal's input, say) as a worker would. */
  async encode(scope: TenantScope, body: CodecBodyJson): Promise<CodecBodyJson> {
    const codec = new TenantPayloadCodec(this.ring, scope.tenantId);
    const encoded = await codec.encode(body.payloads.map(payloadFromCodecJson));
    return { payloads: encoded.map(payloadToCodecJson) };
  }

  private async decodeOne(ability: WardenAbility, json: CodecPayloadJson): Promise<CodecPayloadJson> {
    const payload = payloadFromCodecJson(json);
    let keyId: PayloadKeyId | undefined;
    try {
      keyId = payloadKeyIdOf(payload);
    } catch (err) {
      // Nobody can read it any more (or it was never ours): left encrypted rather than failing
      // the whole batch, which would blank every other payload of the page in the UI.
      if (isUnreadableCiphertext(err)) return json;
      throw err;
    }
    // Checked before any key lookup: another tenant's key is never even loaded.
    if (keyId === undefined || !canOn(ability, 'run:read', { tenantId: keyId.tenantId })) return json;
    try {
      const [decoded] = await new TenantPayloadCodec(this.ring, keyId.tenantId).decode([payload]);
      return decoded === undefined ? json : payloadToCodecJson(decoded);
    } catch (err) {
      // Nobody can read it any more (or it was never ours): left encrypted rather than failing
      // the whole batch, which would blank every other payload of the page in the UI.
      if (isUnreadableCiphertext(err)) return json;
      throw err;
    }
  }
}
