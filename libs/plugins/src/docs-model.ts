/**
 * The content of a plugin's docs page as plain data, rendered once as Markdown and once as HTML
 * (docs.ts), so the two cannot drift. Every string here may be publisher-written; renderers escape.
 */
import semver from 'semver';
import { stringify } from 'yaml';
import type { JsonSchema, PluginManifest } from './types';

export type DocBlock =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'fields'; items: [label: string, value: string][] }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; headers: string[]; rows: string[][] }
  | { kind: 'code'; language: string; text: string };

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
}

function typeLabel(schema: unknown): string {
  if (!isObject(schema)) return schema === false ? 'never' : 'any';
  let label: string;
  if (Array.isArray(schema.enum)) label = `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  else if ('const' in schema) label = `exactly ${JSON.stringify(schema.const)}`;
  else if (Array.isArray(schema.type)) label = schema.type.map(text).join(' | ');
  else if (typeof schema.type === 'string') label = schema.type;
  else if (typeof schema.$ref === 'string') label = schema.$ref.split('/').pop() ?? 'any';
  else label = 'any';
  if (label === 'array' && isObject(schema.items) && typeof schema.items.type === 'string') {
    label = `array of ${schema.items.type}`;
  }
  return typeof schema.format === 'string' ? `${label} (${schema.format})` : label;
}

function required(schema: JsonSchema | undefined): Set<string> {
  if (!isObject(schema) || !Array.isArray(schema.required)) return new Set();
  return new Set(schema.required.filter((r): r is string => typeof r === 'string'));
}

function schemaBlocks(title: string, schema: JsonSchema): DocBlock[] {
  const blocks: DocBlock[] = [{ kind: 'heading', level: 2, text: title }];
  if (isObject(schema) && typeof schema.description === 'string') {
    blocks.push({ kind: 'paragraph', text: schema.description });
  }
  if (!isObject(schema) || !isObject(schema.properties) || Object.keys(schema.properties).length === 0) {
    blocks.push({ kind: 'paragraph', text: `Type: ${typeLabel(schema)}.` });
    return blocks;
  }
  const needed = required(schema);
  const rows = Object.entries(schema.properties).map(([name, property]) => [
    name,
    typeLabel(property),
    needed.has(name) ? 'yes' : 'no',
    isObject(property) ? text(property.description) : '',
  ]);
  blocks.push({ kind: 'table', headers: ['Property', 'Type', 'Required', 'Description'], rows });
  return blocks;
}

const FORMAT_EXAMPLES: Readonly<Record<string, string>> = {
  email: 'user@example.com',
  uri: 'https://example.com',
  hostname: 'example.com',
  date: '2024-01-31',
  'date-time': '2024-01-31T12:00:00Z',
  uuid: '00000000-0000-0000-0000-000000000000',
};

function placeholder(name: string, schema: unknown): unknown {
  if (!isObject(schema)) return null;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ('default' in schema) return schema.default;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return typeof schema.format === 'string' && FORMAT_EXAMPLES[schema.format]
        ? FORMAT_EXAMPLES[schema.format]
        : `<${name}>`;
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return null;
  }
}

function requiredPlaceholders(schema: JsonSchema | undefined): Obj {
  const values: Obj = {};
  if (!isObject(schema) || !isObject(schema.properties)) return values;
  for (const name of required(schema)) values[name] = placeholder(name, schema.properties[name]);
  return values;
}

/** The step a workflow author would paste, pinned to this version's major.minor. */
export function exampleStep(manifest: PluginManifest): string {
  const parsed = semver.parse(manifest.version);
  const range = parsed ? `^${parsed.major}.${parsed.minor}` : manifest.version;
  const step: Obj = {
    id: manifest.id.split('.').pop(),
    type: 'plugin',
    plugin: `${manifest.id}@${range}`,
    with: requiredPlaceholders(manifest.inputSchema),
  };
  if (manifest.configSchema !== undefined) step.config = requiredPlaceholders(manifest.configSchema);
  const slots = manifest.capabilities.credentials;
  if (slots.length > 0)
    step.credentials = Object.fromEntries(slots.map((s) => [s.name, `<${s.name}-credential>`]));
  return stringify([step]);
}

function injection(inject: PluginManifest['capabilities']['credentials'][number]['inject']): string {
  return inject.kind === 'header'
    ? `header ${inject.name}`
    : inject.kind === 'bearer'
      ? 'Authorization: Bearer'
      : 'Authorization: Basic';
}

export function pluginDocBlocks(manifest: PluginManifest): DocBlock[] {
  const { hosts, credentials, limits } = manifest.capabilities;
  const blocks: DocBlock[] = [
    { kind: 'heading', level: 1, text: manifest.name },
    {
      kind: 'fields',
      items: [
        ['Id', manifest.id],
        ['Version', manifest.version],
        ['Publisher', manifest.publisher],
      ],
    },
    ...manifest.description
      .split(/\n\s*\n/)
      .filter((p) => p.trim() !== '')
      .map((p): DocBlock => ({ kind: 'paragraph', text: p.replace(/\s*\n\s*/g, ' ') })),
    { kind: 'heading', level: 2, text: 'Capabilities' },
    { kind: 'heading', level: 3, text: 'Network hosts' },
    hosts.length > 0
      ? { kind: 'list', items: hosts }
      : { kind: 'paragraph', text: 'None: the plugin makes no network requests.' },
    { kind: 'heading', level: 3, text: 'Credential slots' },
    credentials.length > 0
      ? {
          kind: 'table',
          headers: ['Slot', 'Sent to', 'Injected as', 'Description'],
          rows: credentials.map((s) => [
            s.name,
            s.hosts.join(', '),
            injection(s.inject),
            s.description ?? '',
          ]),
        }
      : { kind: 'paragraph', text: 'None.' },
    { kind: 'heading', level: 3, text: 'Limits' },
    limits && Object.keys(limits).length > 0
      ? { kind: 'fields', items: Object.entries(limits).map(([k, v]): [string, string] => [k, String(v)]) }
      : { kind: 'paragraph', text: 'Platform defaults.' },
    ...schemaBlocks('Input', manifest.inputSchema),
    ...schemaBlocks('Output', manifest.outputSchema),
    ...(manifest.configSchema === undefined ? [] : schemaBlocks('Configuration', manifest.configSchema)),
    { kind: 'heading', level: 2, text: 'Example step' },
    { kind: 'code', language: 'yaml', text: exampleStep(manifest) },
  ];
  return blocks;
}
