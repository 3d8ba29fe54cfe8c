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
