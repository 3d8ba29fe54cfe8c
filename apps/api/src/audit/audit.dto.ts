import type { SchemaObject } from '@nestjs/swagger';
import { timestampSchema, uuidSchema } from '../http/common.schemas';
import { requestSchema } from '../http/schema-validation';
import { AUDIT_OUTCOMES, type AuditOutcome } from '@warden/audit';

/** One event of a tenant's chain as the API shows it (and exports it, one per line). */
export interface AuditEventView {
  tenantId: string;
  seq: number;
  id: string;
  occurredAt: string;
  actor: { type: string; id: string };
  action: string;
  target: { type: string; id: string | null };
  outcome: string;
  requestId: string | null;
  sourceIp: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditListQuery {
  action?: string;
  actorId?: string;
  targetType?: string;
  targetId?: string;
  outcome?: AuditOutcome;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: string;
}

export interface AuditPage {
  items: AuditEventView[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  firstBroken?: { seq: number; reason: string };
}

const shortText: SchemaObject = { type: 'string', minLength: 1, maxLength: 200 };
// RFC 3339 date-time (the validator has no `format` support, so a pattern; Date parses the rest).
const dateTime: SchemaObject = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$',
};

export const auditListQuery = requestSchema<AuditListQuery>(
  {
    type: 'object',
    additionalProperties: false,
    properties: {
      action: { ...shortText, description: "exact action, e.g. 'user.roles_change'" },
      actorId: shortText,
      targetType: shortText,
      targetId: shortText,
      outcome: { type: 'string', enum: [...AUDIT_OUTCOMES] },
      from: { ...dateTime, description: 'occurred at or after (RFC 3339)' },
      to: { ...dateTime, description: 'occurred at or before (RFC 3339)' },
      cursor: { type: 'string', minLength: 1, maxLength: 512 },
      limit: {
        type: 'string',
        pattern: '^([1-9][0-9]?|[1-4][0-9]{2}|500)$',
        description: '1..500, default 50',
      },
    },
  },
  'query',
);

// ---- OpenAPI descriptions ----

const eventProperties: Record<keyof AuditEventView, SchemaObject> = {
  tenantId: uuidSchema,
  seq: { type: 'integer', minimum: 1, description: "position in the tenant's chain" },
  id: uuidSchema,
  occurredAt: timestampSchema,
  actor: {
    type: 'object',
    required: ['type', 'id'],
    properties: {
      type: { type: 'string', enum: ['user', 'api_key', 'system', 'anonymous'] },
      id: { type: 'string' },
    },
  },
  action: { type: 'string' },
  target: {
    type: 'object',
    required: ['type', 'id'],
    properties: { type: { type: 'string' }, id: { type: 'string', nullable: true } },
  },
  outcome: { type: 'string', enum: [...AUDIT_OUTCOMES] },
  requestId: { type: 'string', nullable: true },
  sourceIp: { type: 'string', nullable: true },
  details: { type: 'object' },
  prevHash: { type: 'string', description: 'hash of the previous event (64 zeros for the first)' },
  hash: { type: 'string', description: 'sha256 of prevHash and the canonical JSON of the event' },
};

export const auditEventSchema: SchemaObject = {
  type: 'object',
  required: Object.keys(eventProperties),
  properties: eventProperties,
};

export const auditPageSchema: SchemaObject = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: {
    items: { type: 'array', items: auditEventSchema },
    nextCursor: { type: 'string', nullable: true },
  },
};

export const chainVerificationSchema: SchemaObject = {
  type: 'object',
  required: ['ok', 'checked'],
  properties: {
    ok: { type: 'boolean' },
    checked: { type: 'integer', description: 'events checked, in seq order' },
    firstBroken: {
      type: 'object',
      required: ['seq', 'reason'],
      properties: {
        seq: { type: 'integer' },
        reason: { type: 'string', enum: ['hash_mismatch', 'prev_hash_mismatch', 'sequence_gap'] },
      },
    },
  },
};
