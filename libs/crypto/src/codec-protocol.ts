import type { Payload } from '@temporalio/common';

/**
 * The JSON a Temporal codec server speaks (what the Web UI and `temporal` CLI send to
 * `<endpoint>/decode` and `/encode`): payloads in proto3 JSON form, bytes as base64.
 *
 *   {"payloads":[{"metadata":{"encoding":"YmluYXJ5L2VuY3J5cHRlZA=="},"data":"..."}]}
 */
export interface CodecPayloadJson {
  metadata?: Record<string, string>;
  /** Omitted by proto3 JSON when empty. */
  data?: string;
}

export interface CodecBodyJson {
  payloads: CodecPayloadJson[];
}

/**
 * proto3 JSON accepts both base64 alphabets, with or without padding. A request schema
 * checks every byte field with it, so conversion below never meets anything else.
 */
export const CODEC_BASE64_PATTERN = '^[A-Za-z0-9+/_-]*={0,2}$';

export function payloadFromCodecJson(payload: CodecPayloadJson): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
    ),
    data: Buffer.from(payload.data ?? '', 'base64'),
  };
}

export function payloadToCodecJson(payload: Payload): CodecPayloadJson {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, base64(value)]),
    ),
    data: base64(payload.data),
  };
}

export function payloadsFromCodecJson(body: CodecBodyJson): Payload[] {
  return body.payloads.map(payloadFromCodecJson);
}

export function payloadsToCodecJson(payloads: readonly Payload[]): CodecBodyJson {
  return { payloads: payloads.map(payloadToCodecJson) };
}

function base64(bytes: Uint8Array | null | undefined): string {
  if (!bytes) return '';
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
