import Ajv, { type ErrorObject } from 'ajv';
import type { PlatformPluginCaps } from './caps';
import type { PluginProblem } from './errors';
import { pointerSegment } from './schema-safety';
import type { PluginLimits, PluginManifest } from './types';
import { isStrictSemver, MAX_PLUGIN_ID_LENGTH, PLUGIN_ID_PATTERN } from './versions';

const SINGLE_LINE = '^[^\\u0000-\\u001f\\u007f]*$';
const NO_CONTROL_EXCEPT_NEWLINES = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$';
const MAX_HOSTS = 50;
const MAX_CREDENTIAL_SLOTS = 20;

const line = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: SINGLE_LINE });
const text = (maxLength: number) => ({ type: 'string', maxLength, pattern: NO_CONTROL_EXCEPT_NEWLINES });
const positiveInt = { type: 'integer', minimum: 1 };
const tenantSchema = { type: ['object', 'boolean'] };
const host = { type: 'string', minLength: 1, maxLength: 260 };

/** Shape only; the schemas inside are checked separately (schema-safety.ts) with their own caps. */
const MANIFEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'name',
    'version',
    'description',
    'publisher',
    'inputSchema',
    'outputSchema',
    'capabilities',
  ],
  properties: {
    id: { type: 'string', maxLength: MAX_PLUGIN_ID_LENGTH, pattern: PLUGIN_ID_PATTERN.source },
    name: line(100),
    version: { type: 'string', minLength: 1, maxLength: 64 },
    description: text(4000),
    publisher: line(100),
    inputSchema: tenantSchema,
    outputSchema: tenantSchema,
    configSchema: tenantSchema,
    capabilities: {
      type: 'object',
      additionalProperties: false,
      required: ['hosts', 'credentials'],
      properties: {
        hosts: { type: 'array', maxItems: MAX_HOSTS, uniqueItems: true, items: host },
        credentials: {
          type: 'array',
          maxItems: MAX_CREDENTIAL_SLOTS,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'hosts', 'inject'],
            properties: {
              name: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' },
              description: text(1000),
              hosts: { type: 'array', minItems: 1, maxItems: MAX_HOSTS, uniqueItems: true, items: host },
              inject: {
                type: 'object',
                required: ['kind'],
                properties: { kind: { enum: ['bearer', 'basic', 'header'] } },
                if: { properties: { kind: { const: 'header' } } },
                then: {
                  additionalProperties: false,
                  required: ['kind', 'name'],
                  properties: { kind: true, name: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' } },
                },
                else: { additionalProperties: false, properties: { kind: true } },
              },
            },
          },
        },
        limits: {
          type: 'object',
          additionalProperties: false,
          properties: {
            memoryMb: positiveInt,
            timeoutMs: positiveInt,
            cpuBudgetMs: positiveInt,
            maxOutputBytes: positiveInt,
          },
        },
      },
    },
  },
} as const;

const validateShape = new Ajv({
  strict: true,
  allErrors: true,
  allowUnionTypes: true,
}).compile<PluginManifest>(MANIFEST_SCHEMA);

/**
 * Lowercase DNS name with at least one dot and an optional port. No wildcards, and nothing that is
 * an IP address (an all-numeric last label is how a dotted quad looks), so egress rules stay names.
 */
const HOST_PATTERN = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?(:\d{1,5})?$/;

export function isPluginHost(value: string): boolean {
  if (!HOST_PATTERN.test(value)) return false;
  const [name, port] = value.split(':');
  if (name.length > 253) return false;
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535 && !port.startsWith('0'));
}

/** Headers the platform owns on every outbound request; a credential may not be injected as one. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'cookie',
]);

function shapeProblem(error: ErrorObject): PluginProblem {
  const params = error.params as Record<string, unknown>;
  let path = `/manifest${error.instancePath}`;
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    path += `/${pointerSegment(params.missingProperty)}`;
    message = 'is required';
  } else if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    path += `/${pointerSegment(params.additionalProperty)}`;
    message = 'is not a known field';
  }
  return { code: 'manifest_invalid', path, message };
}

/** Shape with ajv, then the rules JSON Schema cannot say. Schemas inside are not looked at here. */
export function checkManifest(manifest: unknown, caps: PlatformPluginCaps): PluginProblem[] {
  if (!validateShape(manifest)) {
    return (validateShape.errors ?? []).filter((e) => e.keyword !== 'if').map(shapeProblem);
  }
  const problems: PluginProblem[] = [];
  if (!isStrictSemver(manifest.version)) {
    problems.push({
      code: 'version_invalid',
      path: '/manifest/version',
      message: `"${manifest.version}" is not a strict semver version like 1.2.3`,
    });
  }
  const { hosts, credentials, limits } = manifest.capabilities;
  hosts.forEach((h, i) => {
    if (!isPluginHost(h)) {
      problems.push({
        code: 'manifest_invalid',
        path: `/manifest/capabilities/hosts/${i}`,
        message: `"${h}" is not a lowercase DNS name (optional :port; no wildcards or IP addresses)`,
      });
    }
  });
  const slotNames = new Set<string>();
  credentials.forEach((slot, i) => {
    const at = `/manifest/capabilities/credentials/${i}`;
    if (slotNames.has(slot.name)) {
      problems.push({
        code: 'manifest_invalid',
        path: `${at}/name`,
        message: `credential slot "${slot.name}" is declared twice`,
      });
    }
    slotNames.add(slot.name);
    slot.hosts.forEach((h, j) => {
      if (!hosts.includes(h)) {
        problems.push({
          code: 'manifest_invalid',
          path: `${at}/hosts/${j}`,
          message: `"${h}" is not in capabilities.hosts; a credential may only go to a declared host`,
        });
      }
    });
    if (slot.inject.kind === 'header' && RESERVED_HEADERS.has(slot.inject.name.toLowerCase())) {
      problems.push({
        code: 'manifest_invalid',
        path: `${at}/inject/name`,
        message: `header "${slot.inject.name}" is reserved`,
      });
    }
  });
  for (const key of Object.keys(limits ?? {}) as (keyof PluginLimits)[]) {
    const asked = limits?.[key];
    if (asked !== undefined && asked > caps.limits[key]) {
      problems.push({
        code: 'limits_exceed_caps',
        path: `/manifest/capabilities/limits/${key}`,
        message: `${key} ${asked} exceeds the platform cap of ${caps.limits[key]}`,
      });
    }
  }
  return problems;
}
