import type { SchemaObject } from '@nestjs/swagger';
import type { DataKeyState, KeyScope } from '@warden/crypto';
import type { ReencryptProgress } from '@warden/engine';
import { timestampSchema, uuidSchema } from '../http/common.schemas';
import { requestSchema } from '../http/schema-validation';

const UUID_SOURCE = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** `tenant`, or one person's key: `subject:<userId>`. */
export const KEY_SCOPE_SOURCE = `^(tenant|subject:${UUID_SOURCE})$`;

export interface KeyVersionView {
  scope: KeyScope;
  version: number;
  state: DataKeyState;
  createdAt: string;
  masterKeyId: string;
  /** Stored values (credentials, definition secrets, TOTP secrets) sealed with this version. */
  ciphertexts: number;
}

export interface KeyRotated {
  scope: 'tenant';
  version: number;
  previousVersion: number | null;
  /** GET /v1/keys/jobs/{jobId} shows the re-encryption job's progress. */
  jobId: string;
}

export type KeyJobStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'terminated' | 'timed_out';

export interface KeyJobView {
  jobId: string;
  status: KeyJobStatus;
  /** Null when the job's worker cannot answer right now. */
  progress: ReencryptProgress | null;
}

export interface KeyDestroyed {
  scope: KeyScope;
  version: number;
  state: 'destroyed';
}

export interface TenantShredded {
  /** Versions destroyed now, over every scope. */
  destroyed: number;
  scopes: number;
}

export interface KeysRewrapped {
  masterKeyId: string;
  tenants: number;
  rewrapped: number;
  /** Platform access-token signing keys wrapped again (only when every tenant was asked for). */
  signingKeys: number;
  failures: { tenantId: string; code: string; message: string }[];
}

export interface DestroyKeyBody {
  force?: boolean;
  scope?: KeyScope;
}

export interface ShredBody {
  confirm: string;
}

export interface RewrapBody {
  tenantIds?: string[];
}

export const rotateKeyBody = requestSchema<Record<string, never>>(
  { type: 'object', additionalProperties: false, properties: {} },
  'body',
);

export const destroyKeyBody = requestSchema<DestroyKeyBody>(
  {
    type: 'object',
    additionalProperties: false,
    properties: {
      force: {
        type: 'boolean',
        description: 'destroy even though stored ciphertext or open runs use it (crypto-shredding)',
      },
      scope: { type: 'string', pattern: KEY_SCOPE_SOURCE, description: "default 'tenant'" },
    },
  },
  'body',
);

export const shredBody = requestSchema<ShredBody>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['confirm'],
    properties: { confirm: { type: 'string', maxLength: 200, description: "the tenant's slug" } },
  },
  'body',
);

export const rewrapBody = requestSchema<RewrapBody>(
  {
    type: 'object',
    additionalProperties: false,
    properties: {
      tenantIds: {
        type: 'array',
        items: { type: 'string', pattern: `^${UUID_SOURCE}$` },
        minItems: 1,
        maxItems: 1000,
        uniqueItems: true,
        description: 'only these tenants (default: every tenant)',
      },
    },
  },
  'body',
);

const scopeSchema: SchemaObject = { type: 'string', example: 'tenant' };

export const keyListSchema: SchemaObject = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['scope', 'version', 'state', 'createdAt', 'masterKeyId', 'ciphertexts'],
        properties: {
          scope: scopeSchema,
          version: { type: 'integer' },
          state: { type: 'string', enum: ['active', 'retired', 'destroyed'] },
          createdAt: timestampSchema,
          masterKeyId: { type: 'string' },
          ciphertexts: { type: 'integer', description: 'stored values sealed with this version' },
        },
      },
    },
  },
};

export const keyRotatedSchema: SchemaObject = {
  type: 'object',
  required: ['scope', 'version', 'previousVersion', 'jobId'],
  properties: {
    scope: scopeSchema,
    version: { type: 'integer' },
    previousVersion: { type: 'integer', nullable: true },
    jobId: { type: 'string', example: 'reencrypt-<tenantId>-v2' },
  },
};

const tableProgressSchema: SchemaObject = {
  type: 'object',
  properties: {
    table: { type: 'string' },
    total: { type: 'integer' },
    processed: { type: 'integer' },
    failed: { type: 'integer' },
    done: { type: 'boolean' },
  },
};

export const keyJobSchema: SchemaObject = {
  type: 'object',
  required: ['jobId', 'status', 'progress'],
  properties: {
    jobId: { type: 'string' },
    status: {
      type: 'string',
      enum: ['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed_out'],
    },
    progress: {
      type: 'object',
      nullable: true,
      properties: {
        table: { type: 'string', nullable: true, description: 'the table being worked on' },
        processed: { type: 'integer' },
        total: { type: 'integer' },
        failed: { type: 'integer' },
        done: { type: 'boolean' },
        startedAt: timestampSchema,
        finishedAt: timestampSchema,
        targetVersion: { type: 'integer' },
        tables: { type: 'array', items: tableProgressSchema },
        failures: {
          type: 'array',
          items: {
            type: 'object',
            properties: { table: { type: 'string' }, recordId: { type: 'string' }, code: { type: 'string' } },
          },
        },
        error: { type: 'string' },
      },
    },
  },
};

export const keyDestroyedSchema: SchemaObject = {
  type: 'object',
  required: ['scope', 'version', 'state'],
  properties: {
    scope: scopeSchema,
    version: { type: 'integer' },
    state: { type: 'string', enum: ['destroyed'] },
  },
};

export const tenantShreddedSchema: SchemaObject = {
  type: 'object',
  required: ['destroyed', 'scopes'],
  properties: { destroyed: { type: 'integer' }, scopes: { type: 'integer' } },
};

export const keysRewrappedSchema: SchemaObject = {
  type: 'object',
  required: ['masterKeyId', 'tenants', 'rewrapped', 'signingKeys', 'failures'],
  properties: {
    masterKeyId: { type: 'string' },
    tenants: { type: 'integer' },
    rewrapped: { type: 'integer', description: 'data key versions wrapped again' },
    signingKeys: {
      type: 'integer',
      description: 'access-token signing keys wrapped again (0 when `tenantIds` narrowed the call)',
    },
    failures: {
      type: 'array',
      items: {
        type: 'object',
        properties: { tenantId: uuidSchema, code: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};
