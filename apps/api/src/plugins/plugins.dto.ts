import type { SchemaObject } from '@nestjs/swagger';
import type { PluginLanguage, PluginManifest, PluginStatus } from '@warden/plugins';
import type { PluginListing, PluginVersionEntity } from '@warden/persistence';
import { problemSchema, timestampSchema, uuidSchema, pageLimitQuerySchema } from '../http/common.schemas';
import { requestSchema } from '../http/schema-validation';

/** Ids as @warden/plugins' PLUGIN_ID_PATTERN and publisherKeyId produce them. */
export const PLUGIN_ID_SOURCE = '^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+$';
export const KEY_ID_SOURCE = '^pk_[0-9a-f]{16}$';
const SEMVER_SOURCE = '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$';

export interface PluginSubmission {
  manifest: Record<string, unknown>;
  source: string;
  language?: PluginLanguage;
  signature?: { keyId: string; signature: string };
}

export interface StatusChange {
  status: Exclude<PluginStatus, 'DRAFT'>;
}

export interface TestRequest {
  input: unknown;
  config?: unknown;
  version?: string;
}

export interface NewKeyRequest {
  name: string;
  publicKeyPem: string;
}

export interface PluginListQuery {
  limit?: string;
  cursor?: string;
  status?: PluginStatus;
}

export const submissionBody = requestSchema<PluginSubmission>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['manifest', 'source'],
    properties: {
      manifest: { type: 'object', description: 'the plugin manifest (see docs/plugins.md)' },
      source: { type: 'string', description: 'the module source text' },
      language: { type: 'string', enum: ['javascript', 'typescript'], description: 'default javascript' },
      signature: {
        type: 'object',
        additionalProperties: false,
        required: ['keyId', 'signature'],
        properties: {
          keyId: { type: 'string', pattern: KEY_ID_SOURCE },
          signature: { type: 'string', minLength: 1, maxLength: 200, description: 'Ed25519, base64' },
        },
      },
    },
  },
  'body',
);

export const statusBody = requestSchema<StatusChange>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['status'],
    properties: { status: { type: 'string', enum: ['ACTIVE', 'DEPRECATED'] } },
  },
  'body',
);

export const testBody = requestSchema<TestRequest>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['input'],
    properties: {
      input: { description: 'checked against the input schema' },
      config: { description: 'checked against the config schema' },
      version: { type: 'string', maxLength: 64, pattern: SEMVER_SOURCE, description: 'default: newest' },
    },
  },
  'body',
);

export const newKeyBody = requestSchema<NewKeyRequest>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'publicKeyPem'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200 },
      publicKeyPem: { type: 'string', minLength: 1, maxLength: 4096, description: 'Ed25519, SPKI PEM' },
    },
  },
  'body',
);

export const pluginListQuery = requestSchema<PluginListQuery>(
  {
    type: 'object',
    additionalProperties: false,
    properties: {
      limit: pageLimitQuerySchema,
      cursor: { type: 'string', maxLength: 100, pattern: PLUGIN_ID_SOURCE, description: 'nextCursor' },
      status: {
        type: 'string',
        enum: ['DRAFT', 'ACTIVE', 'DEPRECATED'],
        description: 'of the newest version',
      },
    },
  },
  'query',
);

// ---- answers ----

export interface PluginVersionView {
  version: string;
  status: PluginStatus;
  language: PluginLanguage;
  digest: string;
  sourceSha256: string;
  signingKeyId: string | null;
  createdAt: string;
  createdBy: string;
}

export interface PluginSummary {
  id: string;
  name: string;
  publisher: string;
  description: string;
  latest: PluginVersionView;
  versionCount: number;
  createdAt: string;
}

export interface PluginDetail extends PluginSummary {
  manifest: PluginManifest;
}

export interface PluginWritten {
  id: string;
  version: string;
  status: PluginStatus;
  digest: string;
  signingKeyId: string | null;
  warnings: { code: string; path: string; message: string }[];
}

export interface PluginCode {
  id: string;
  version: string;
  language: PluginLanguage;
  sourceSha256: string;
  digest: string;
  source: string;
}

export interface PublisherKeyView {
  keyId: string;
  name: string;
  publicKeyPem: string;
  /** From WARDEN_PLATFORM_PUBLISHER_KEYS: trusted by every tenant, not changeable here. */
  platform: boolean;
  createdAt: string | null;
  createdBy: string | null;
  revokedAt: string | null;
}

export function toVersionView(v: PluginVersionEntity): PluginVersionView {
  return {
    version: v.version,
    status: v.status,
    language: v.language,
    digest: v.digest,
    sourceSha256: v.sourceSha256,
    signingKeyId: v.signingKeyId,
    createdAt: v.createdAt.toISOString(),
    createdBy: v.createdBy,
  };
}

export function toSummary({ plugin, version, versionCount }: PluginListing): PluginSummary {
  return {
    id: plugin.pluginKey,
    name: plugin.name,
    publisher: plugin.publisher,
    description: plugin.description,
    latest: toVersionView(version),
    versionCount,
    createdAt: plugin.createdAt.toISOString(),
  };
}

// ---- OpenAPI descriptions ----

const versionProperties: Record<keyof PluginVersionView, SchemaObject> = {
  version: { type: 'string', description: 'semver' },
  status: { type: 'string', enum: ['DRAFT', 'ACTIVE', 'DEPRECATED'] },
  language: { type: 'string', enum: ['javascript', 'typescript'] },
  digest: { type: 'string', description: 'sha256 hex of what the publisher signs' },
  sourceSha256: { type: 'string' },
  signingKeyId: { type: 'string', nullable: true },
  createdAt: timestampSchema,
  createdBy: { type: 'string' },
};

export const versionViewSchema: SchemaObject = {
  type: 'object',
  required: Object.keys(versionProperties),
  properties: versionProperties,
};

const summaryProperties: Record<keyof PluginSummary, SchemaObject> = {
  id: { type: 'string', pattern: PLUGIN_ID_SOURCE },
  name: { type: 'string' },
  publisher: { type: 'string' },
  description: { type: 'string' },
  latest: versionViewSchema,
  versionCount: { type: 'integer', minimum: 1 },
  createdAt: timestampSchema,
};

export const pluginListSchema: SchemaObject = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: {
    items: { type: 'array', items: { type: 'object', properties: summaryProperties } },
    nextCursor: { type: 'string', nullable: true, description: 'pass as cursor; null on the last page' },
  },
};

export const pluginDetailSchema: SchemaObject = {
  type: 'object',
  required: [...Object.keys(summaryProperties), 'manifest'],
  properties: { ...summaryProperties, manifest: { type: 'object', description: 'of the newest version' } },
};

export const versionListSchema: SchemaObject = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: versionViewSchema } },
};

export const pluginWrittenSchema: SchemaObject = {
  type: 'object',
  required: ['id', 'version', 'status', 'digest', 'signingKeyId', 'warnings'],
  properties: {
    id: { type: 'string' },
    version: { type: 'string' },
    status: { type: 'string', enum: ['DRAFT', 'ACTIVE', 'DEPRECATED'] },
    digest: { type: 'string' },
    signingKeyId: { type: 'string', nullable: true },
    warnings: { type: 'array', items: problemSchema },
  },
};

export const pluginCodeSchema: SchemaObject = {
  type: 'object',
  required: ['id', 'version', 'language', 'sourceSha256', 'digest', 'source'],
  properties: {
    id: { type: 'string' },
    version: { type: 'string' },
    language: { type: 'string', enum: ['javascript', 'typescript'] },
    sourceSha256: { type: 'string' },
    digest: { type: 'string' },
    source: { type: 'string', description: 'exactly as registered' },
  },
};

export const usageSchema: SchemaObject = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          workflowId: uuidSchema,
          workflowName: { type: 'string' },
          workflowVersion: { type: 'integer' },
          current: { type: 'boolean', description: "the workflow's current version" },
          stepId: { type: 'string' },
          version: { type: 'string' },
          digest: { type: 'string' },
        },
      },
    },
  },
};

export const publisherKeySchema: SchemaObject = {
  type: 'object',
  properties: {
    keyId: { type: 'string', pattern: KEY_ID_SOURCE },
    name: { type: 'string' },
    publicKeyPem: { type: 'string' },
    platform: { type: 'boolean' },
    createdAt: { ...timestampSchema, nullable: true },
    createdBy: { type: 'string', nullable: true },
    revokedAt: { ...timestampSchema, nullable: true },
  },
};

export const publisherKeyListSchema: SchemaObject = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: publisherKeySchema } },
};

export const testResultSchema: SchemaObject = {
  type: 'object',
  required: ['ok', 'version', 'logs'],
  properties: {
    ok: { type: 'boolean' },
    version: { type: 'string' },
    output: { description: 'when ok' },
    error: {
      type: 'object',
      description: 'when not ok: the sandbox failure kind (timeout, memory, plugin-error, ...)',
      properties: { kind: { type: 'string' }, message: { type: 'string' } },
    },
    logs: { type: 'array', items: { type: 'object' } },
    usage: {
      type: 'object',
      properties: { cpuMs: { type: 'number' }, wallMs: { type: 'number' }, heapBytes: { type: 'number' } },
    },
  },
};
