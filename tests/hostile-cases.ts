/**
 * The hostile inputs of tests/api-hostile.int.spec.ts, as tables: each row names the attack and
 * the answer every route it applies to must give.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface ExpectedProblem {
  code?: string;
  path?: string;
  message?: string;
  line?: number;
  column?: number;
}

export const nested = (open: string, close: string, depth: number, inner = ''): string =>
  open.repeat(depth) + inner + close.repeat(depth);

/** A definition with the given top-level lines and one harmless step. */
export const definition = (...lines: string[]): string =>
  [...lines, 'steps:', '  - id: greet', '    type: noop', ''].join('\n');

/** Nine aliases of nine aliases, nine times over: 9^9 strings once expanded. */
const BILLION_LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...[...'bcdefghi'].map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
].join('\n');

// ---- bodies, for every route that takes one ----

export interface TransportCase {
  name: string;
  headers: Record<string, string>;
  body: string | Buffer;
  status: number;
  code: string;
  problem?: ExpectedProblem;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const transport = (
  name: string,
  headers: Record<string, string>,
  body: string | Buffer,
  [status, code]: [number, string],
  problem?: ExpectedProblem,
): TransportCase => ({ name, headers, body, status, code, ...(problem ? { problem } : {}) });
const UNSUPPORTED: [number, string] = [415, 'unsupported_media_type'];
const MALFORMED: [number, string] = [400, 'malformed_json'];
const INVALID: [number, string] = [400, 'invalid_request'];

/** Wrong, missing or broken framing of the body: the same answer on every body route. */
export const TRANSPORT_CASES: TransportCase[] = [
  transport('text/plain', { 'content-type': 'text/plain' }, '{"dryRun": true}', UNSUPPORTED),
  transport('a form', { 'content-type': 'application/x-www-form-urlencoded' }, 'dryRun=true', UNSUPPORTED),
  transport(
    'multipart',
    { 'content-type': 'multipart/form-data; boundary=b' },
    '--b\r\n\r\nx\r\n--b--',
    UNSUPPORTED,
  ),
  transport('XML', { 'content-type': 'application/xml' }, '<dryRun>true</dryRun>', UNSUPPORTED),
  transport('a body without a content type', {}, '{"dryRun": true}', UNSUPPORTED),
  transport('an unknown charset', { 'content-type': 'application/json; charset=koi8-r' }, '{}', UNSUPPORTED),
  transport(
    'an unknown content encoding',
    { ...JSON_TYPE, 'content-encoding': 'compress' },
    '{}',
    UNSUPPORTED,
  ),
  transport('a corrupt gzip body', { ...JSON_TYPE, 'content-encoding': 'gzip' }, 'not gzip', INVALID),
  transport('truncated JSON', JSON_TYPE, '{"dryRun": ', MALFORMED, { line: 1, column: 12 }),
  transport('a trailing comma', JSON_TYPE, '{\n  "dryRun": true,\n}', MALFORMED, { line: 3, column: 1 }),
  transport('single quotes', JSON_TYPE, "{'dryRun': true}", MALFORMED, { line: 1, column: 2 }),
  transport('2 MB', JSON_TYPE, JSON.stringify({ x: 'x'.repeat(2 * 1024 * 1024) }), [
    413,
    'payload_too_large',
  ]),
  transport('10,000 nested objects', JSON_TYPE, nested('{"a":', '}', 10_000, '1'), INVALID, {
    path: Array(64).fill('a').join('.'),
    message: 'nests deeper than 64 levels',
  }),
  transport('100,000 nested lists', JSON_TYPE, nested('[', ']', 100_000), INVALID, {
    path: '[0]'.repeat(64),
  }),
  transport(
    'gzipped deep nesting',
    { ...JSON_TYPE, 'content-encoding': 'gzip' },
    gzipSync(nested('[', ']', 10_000)),
    INVALID,
  ),
  transport('a NUL in a string', JSON_TYPE, '{"name": "a\\u0000b"}', INVALID, { path: 'name' }),
  transport('a NUL in a field name', JSON_TYPE, '{"x\\u0000": 1}', INVALID, { path: 'x\u0000' }),
  transport('an unpaired surrogate', JSON_TYPE, '{"name": "\\ud800"}', INVALID, { path: 'name' }),
];

/** JSON of the wrong shape: JSON routes name `path`; definition routes report `definitionProblem`. */
export const SHAPE_CASES = [
  { name: 'null', body: 'null', path: '', definitionProblem: 'not_an_object' },
  { name: 'a number', body: '42', path: '', definitionProblem: 'not_an_object' },
  { name: 'a string', body: '"text"', path: '', definitionProblem: 'not_an_object' },
  { name: 'true', body: 'true', path: '', definitionProblem: 'not_an_object' },
  { name: 'a list', body: '[{"dryRun": true}]', path: '', definitionProblem: 'not_an_object' },
  { name: 'a __proto__ field', body: '{"__proto__": {"polluted": "yes"}}', path: '__proto__' },
  {
    name: 'constructor.prototype',
    body: '{"constructor": {"prototype": {"polluted": "yes"}}}',
    path: 'constructor',
  },
  { name: 'a 900 kB string', body: JSON.stringify({ huge: 'x'.repeat(900_000) }), path: 'huge' },
].map((c) => ({ definitionProblem: 'unknown_field', ...c }));

/** YAML a definition route must refuse with this problem. */
export const YAML_CASES: { name: string; text: string; problem: ExpectedProblem }[] = [
  { name: 'an unclosed list', text: 'name: x\nversion: 1\nsteps: [a\n', problem: { code: 'syntax_error' } },
  { name: 'a billion laughs', text: BILLION_LAUGHS, problem: { code: 'syntax_error' } },
  {
    name: '1,000 nested flow maps',
    text: nested('{"a":', '}', 1000, '1'),
    problem: { code: 'syntax_error', line: 1 },
  },
  {
    name: '5,000 nested flow lists',
    text: `name: x\nversion: 1\nsteps: ${nested('[', ']', 5000)}\n`,
    problem: { code: 'syntax_error', line: 3, column: 71 },
  },
  {
    name: '1,000 nested block lists',
    text: `steps:\n${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i + 1)}-\n`).join('')}`,
    problem: { code: 'syntax_error', line: 65 },
  },
  {
    name: '3,000 compact lists',
    text: `${'- '.repeat(3000)}x\n`,
    problem: { code: 'syntax_error', line: 1 },
  },
  {
    name: 'a NUL escape',
    text: definition('name: a', 'version: 1', 'description: "a\\0b"'),
    problem: { code: 'invalid_value', path: 'description' },
  },
  {
    name: 'a surrogate escape',
    text: definition('name: a', 'version: 1', 'description: "\\ud800"'),
    problem: { code: 'invalid_value', path: 'description' },
  },
  {
    name: 'a non-ASCII name',
    text: definition('name: wörk-💥', 'version: 1'),
    problem: { code: 'invalid_value', path: 'name' },
  },
  {
    name: 'a right-to-left override in a name',
    text: definition('name: "\u202eevil"', 'version: 1'),
    problem: { code: 'invalid_value', path: 'name' },
  },
  {
    name: 'a NUL escape in a name',
    text: definition('name: "a\\0"', 'version: 1'),
    problem: { code: 'invalid_value', path: 'name' },
  },
];

// ---- ids, query parameters, headers ----

/** Path ids that name nothing; none may reach the database or come back in the answer. */
export const HOSTILE_IDS = [
  { name: 'not a UUID', id: 'not-a-uuid' },
  { name: 'SQL injection', id: "1' OR '1'='1" },
  { name: 'a stacked query', id: '1; DROP TABLE workflows;--' },
  { name: 'a path traversal', id: '../../etc/passwd' },
  { name: 'a NUL byte', id: '\u0000' },
  { name: 'a right-to-left override', id: '\u202e' },
  { name: 'an emoji', id: '💥' },
  { name: 'a UUID in braces', id: `{${randomUUID()}}` },
  { name: '2,000 characters', id: 'a'.repeat(2000) },
];

/** Query strings refused with `invalid_request` naming `path(param)`, for every documented parameter. */
export const QUERY_CASES: {
  name: string;
  query: (param: string) => string;
  path: (param: string) => string;
}[] = [
  { name: 'an unknown parameter', query: () => 'nope=1', path: () => 'nope' },
  { name: '__proto__', query: () => '__proto__=x', path: () => '__proto__' },
  { name: '__proto__[polluted]', query: () => '__proto__[polluted]=yes', path: () => '__proto__[polluted]' },
  { name: 'constructor', query: () => 'constructor=x', path: () => 'constructor' },
  { name: 'a repeated value', query: (p) => `${p}=a&${p}=b`, path: (p) => p },
  { name: 'an empty value', query: (p) => `${p}=`, path: (p) => p },
  { name: 'a NUL byte', query: (p) => `${p}=a%00b`, path: (p) => p },
  { name: 'a 10 kB value', query: (p) => `${p}=${'a'.repeat(10_000)}`, path: (p) => p },
];

/** Header values refused with `invalid_request` naming the header, for every documented header. */
export const HEADER_CASES = [
  { name: '300 characters', value: 'k'.repeat(300) },
  { name: 'a space', value: 'two words' },
  { name: 'a Latin-1 byte', value: 'caf\u00e9' },
  { name: 'nothing', value: '' },
];

// ---- requests Node's HTTP parser refuses ----

export const RAW_HTTP_CASES: {
  name: string;
  bytes: string;
  status: number;
  code: string;
  reason?: string;
}[] = [
  {
    name: 'an unknown method',
    bytes: 'FOO /healthz HTTP/1.1\r\nHost: x\r\n\r\n',
    status: 400,
    code: 'invalid_request',
    reason: 'HPE_INVALID_METHOD',
  },
  {
    name: 'a control character in a header',
    bytes: 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Evil: a\u0001b\r\n\r\n',
    status: 400,
    code: 'invalid_request',
    reason: 'HPE_INVALID_HEADER_TOKEN',
  },
  {
    name: 'a NUL in the path',
    bytes: 'GET /v1/runs/\u0000 HTTP/1.1\r\nHost: x\r\n\r\n',
    status: 400,
    code: 'invalid_request',
    reason: 'HPE_INVALID_URL',
  },
  {
    name: 'HTTP/9.9',
    bytes: 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n',
    status: 400,
    code: 'invalid_request',
    reason: 'HPE_INVALID_VERSION',
  },
  {
    name: '20 kB of headers',
    bytes: `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    status: 431,
    code: 'headers_too_large',
  },
  {
    name: 'Content-Length beside chunked (request smuggling)',
    bytes:
      'POST /v1/workflows/validate HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    status: 400,
    code: 'invalid_request',
    reason: 'HPE_INVALID_TRANSFER_ENCODING',
  },
  {
    name: 'two Content-Lengths',
    bytes:
      'POST /v1/workflows/validate HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    status: 400,
    code: 'invalid_request',
    reason: 'HPE_UNEXPECTED_CONTENT_LENGTH',
  },
  {
    name: 'a broken chunk size',
    bytes:
      'POST /v1/workflows/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/yaml\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n',
    status: 400,
    code: 'invalid_request',
    reason: 'HPE_INVALID_CHUNK_SIZE',
  },
];

// ---- fixtures ----

/** A minimal valid plugin manifest (see docs/plugins.md). */
export const aPluginManifest = (id: string): Record<string, unknown> => ({
  id,
  name: 'Hostile fixture',
  version: '1.0.0',
  description: 'A plugin the sweep can name.',
  publisher: 'tests',
  inputSchema: { type: 'object', properties: { text: { type: 'string', description: 'text' } } },
  outputSchema: { type: 'object' },
  capabilities: { hosts: [], credentials: [] },
});

export const PLUGIN_SOURCE = 'export default { run(input) { return input; } };\n';
