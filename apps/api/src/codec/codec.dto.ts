import type { SchemaObject } from '@nestjs/swagger';
import { CODEC_BASE64_PATTERN, type CodecBodyJson } from '@warden/crypto';
import { requestSchema } from '../http/schema-validation';

const bytesSchema: SchemaObject = {
  type: 'string',
  pattern: CODEC_BASE64_PATTERN,
  description: 'bytes, base64',
};

const payloadSchema: SchemaObject = {
  type: 'object',
  description: 'A temporal.api.common.v1.Payload in proto3 JSON form',
  properties: {
    metadata: { type: 'object', additionalProperties: bytesSchema },
    data: bytesSchema,
  },
};

/** Temporal's codec server protocol: the same shape both ways. */
export const codecBody = requestSchema<CodecBodyJson>(
  {
    type: 'object',
    required: ['payloads'],
    additionalProperties: false,
    properties: { payloads: { type: 'array', items: payloadSchema } },
  },
  'codec request',
);

export const codecResponseSchema: SchemaObject = codecBody.schema;

/**
 * A Temporal namespace name, as the Web UI sends it: the subset every Temporal deployment accepts
 * (Temporal Cloud's `name.account` ids, the usual self-hosted names). A header that cannot be a
 * namespace is refused rather than ignored, so a broken client shows up at once.
 */
export const namespaceHeader = requestSchema<string>(
  { type: 'string', minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
  'X-Namespace header',
  'X-Namespace',
);
