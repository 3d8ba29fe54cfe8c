/**
 * Checks for the JSON Schemas inside a plugin manifest. They are tenant input that the platform
 * compiles (ajv generates code from them) and runs against every step's data, so before ajv sees
 * one it must be inside this safe subset:
 *
 * - size: at most `maxSchemaBytes` serialized and `maxSchemaDepth` nested; both are measured
 *   iteratively first, so a 10,000-deep document is refused before anything recursive touches it;
 * - references: `$ref` only as a local JSON pointer (`#` or `#/...`); no `$dynamicRef`,
 *   `$dynamicAnchor`, `$recursiveRef`, `$recursiveAnchor`, `$anchor`, `$vocabulary`; `$id` not
 *   absolute (ajv never fetches, but a remote-looking id is a mistake or a probe); `$schema` only at
 *   the root and only the 2020-12 meta-schema;
 * - no `$data` key anywhere (ajv runs with `$data` off; refusing it keeps that a non-question);
 * - only keywords ajv knows (strict mode), and only the `format` values in PLUGIN_SCHEMA_FORMATS;
 * - `pattern` and `patternProperties` regexes: at most 512 characters, no backreferences, no
 *   lookarounds, and no repeated (`*`, `+`, `{n,}`, `{n,m}` with m > 1) part that itself contains a
 *   quantifier or an alternation. That rules out the classic catastrophic shapes `(a+)+`,
 *   `(a*)*`, `^(a|a)*$` at the price of some harmless ones (`(ab|cd)*`; write `(?:ab)*` or a
 *   character class instead). Polynomial backtracking from adjacent quantifiers (`\d*\d*\d*x`) is
 *   not refused; input sizes bound it.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { parse as parseRegex, type AstNode } from 'regjsparser';
import type { PlatformPluginCaps } from './caps';
import type { PluginProblem } from './errors';
import type { JsonSchema } from './types';
import { PLUGIN_SCHEMA_FORMATS } from './formats';

export const MAX_PATTERN_LENGTH = 512;
const MAX_PROBLEMS_PER_SCHEMA = 50;
const META_SCHEMA_2020 = 'https://json-schema.org/draft/2020-12/schema';

const REFUSED_KEYWORDS: Readonly<Record<string, string>> = {
  $data: '$data references are not supported',
  $dynamicRef: '$dynamicRef is not supported',
  $dynamicAnchor: '$dynamicAnchor is not supported',
  $recursiveRef: '$recursiveRef is not supported',
  $recursiveAnchor: '$recursiveAnchor is not supported',
  $anchor: '$anchor is not supported; use $defs and "#/$defs/..." references',
  $vocabulary: '$vocabulary is not supported',
};
const SINGLE_SUBSCHEMA = new Set([
  'additionalItems',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
]);
const SUBSCHEMA_MAP = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
]);
const SUBSCHEMA_LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);

type Obj = Record<string, unknown>;
// ajv compiles patterns with the `u` flag, so they are parsed the same way here.
const REGEX_FEATURES = { unicodePropertyEscape: true, namedGroups: true, lookbehind: true } as const;
type RegexNode = AstNode<typeof REGEX_FEATURES>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** One ajv per schema: tenant `$id`s must not collide with each other or leak between schemas. */
export function newTenantSchemaAjv(): Ajv2020 {
  return new Ajv2020({
    strict: true,
    allErrors: false,
    allowUnionTypes: true,
    $data: false,
    formats: { ...PLUGIN_SCHEMA_FORMATS },
  });
}

/**
 * A validator for one of a plugin's schemas (input, config, output), compiled in its own ajv so
 * that schemas of different plugins, or the same schema compiled again, never clash on `$id`.
 * Every place that checks data against a manifest schema uses this, so all of them enforce the
 * dialect and formats the registry accepted.
 */
export function compileTenantSchema(schema: JsonSchema): ValidateFunction {
  return newTenantSchemaAjv().compile(schema);
}

/** The `schema_unsafe` reason for a regex, or undefined if it is inside the safe subset. */
export function unsafeRegexReason(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH)
    return `regex_too_long: longer than ${MAX_PATTERN_LENGTH} characters`;
  let root: RegexNode;
  try {
    root = parseRegex(pattern, 'u', REGEX_FEATURES);
  } catch (error) {
    return `regex_invalid: ${(error as Error).message.split('\n')[0]}`;
  }
  const stack: { node: RegexNode; repeated: boolean }[] = [{ node: root, repeated: false }];
  while (stack.length > 0) {
    const { node, repeated } = stack.pop()!;
    switch (node.type) {
      case 'reference':
        return 'regex_backreference: backreferences are not allowed';
      case 'group':
        if (node.behavior !== 'normal' && node.behavior !== 'ignore') {
          return 'regex_lookaround: lookahead and lookbehind are not allowed';
        }
        break;
      case 'quantifier': {
        const repeats = node.max === undefined || node.max > 1;
        if (repeated) return `regex_nested_quantifier: "${node.raw}" is quantified inside a repeated group`;
        stack.push({ node: node.body[0], repeated: repeats });
        continue;
      }
      case 'disjunction':
        if (repeated) return 'regex_quantified_alternation: an alternation inside a repeated group';
        break;
      default:
        break;
    }
    if ('body' in node && Array.isArray(node.body)) {
      for (const child of node.body as RegexNode[]) stack.push({ node: child, repeated });
    }
  }
  return undefined;
}

/** Iterative: depth and node count without recursion; stops at the first cap exceeded. */
function measure(
  value: unknown,
  maxDepth: number,
  maxNodes: number,
): { tooDeep: boolean; tooMany: boolean; dataKeys: string[] } {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: '' }];
  const dataKeys: string[] = [];
  let nodes = 0;
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (++nodes > maxNodes) return { tooDeep: false, tooMany: true, dataKeys };
    if (item.depth > maxDepth) return { tooDeep: true, tooMany: false, dataKeys };
    if (typeof item.value !== 'object' || item.value === null) continue;
    for (const [key, child] of Object.entries(item.value)) {
      const path = `${item.path}/${pointerSegment(key)}`;
      if (key === '$data' && !Array.isArray(item.value)) dataKeys.push(path);
      if (typeof child === 'object' && child !== null)
        stack.push({ value: child, depth: item.depth + 1, path });
    }
  }
  return { tooDeep: false, tooMany: false, dataKeys };
}

/**
 * Every problem with one tenant schema; `path` is where it sits in the submission, e.g.
 * `/manifest/inputSchema`. Empty means ajv compiled it.
 */
export function checkTenantSchema(schema: unknown, path: string, caps: PlatformPluginCaps): PluginProblem[] {
  const unsafe = (at: string, message: string): PluginProblem => ({
    code: 'schema_unsafe',
    path: path + at,
    message,
  });
  if (typeof schema !== 'boolean' && !isObject(schema)) {
    return [{ code: 'schema_invalid', path, message: 'a schema must be an object or a boolean' }];
  }
  const shape = measure(schema, caps.maxSchemaDepth, caps.maxSchemaBytes);
  if (shape.tooDeep) return [unsafe('', `too_deep: nested deeper than ${caps.maxSchemaDepth} levels`)];
  if (shape.tooMany) return [unsafe('', `too_large: larger than ${caps.maxSchemaBytes} bytes`)];
  if (Buffer.byteLength(JSON.stringify(schema), 'utf8') > caps.maxSchemaBytes) {
    return [unsafe('', `too_large: larger than ${caps.maxSchemaBytes} bytes`)];
  }
  const problems = shape.dataKeys.map((at) => unsafe(at, 'data_ref: $data references are not supported'));
  const ajv = newTenantSchemaAjv();
  const stack: { node: unknown; at: string }[] = [{ node: schema, at: '' }];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS_PER_SCHEMA) {
    const { node, at } = stack.pop()!;
    if (!isObject(node)) continue;
    for (const [key, value] of Object.entries(node)) {
      const keyAt = `${at}/${pointerSegment(key)}`;
      if (key === '$data') continue; // reported above, wherever it sits
      const refused = REFUSED_KEYWORDS[key];
      if (refused !== undefined) {
        problems.push(unsafe(keyAt, `refused_keyword: ${refused}`));
      } else if (!ajv.RULES.keywords[key]) {
        problems.push(unsafe(keyAt, `unknown_keyword: "${key}" is not a JSON Schema keyword`));
      } else if (
        key === '$ref' &&
        (typeof value !== 'string' || !(value === '#' || value.startsWith('#/')))
      ) {
        problems.push(unsafe(keyAt, 'remote_ref: $ref must be a local pointer such as "#/$defs/name"'));
      } else if (key === '$id' && (typeof value !== 'string' || /^[a-z][a-z0-9+.-]*:|^\/\//i.test(value))) {
        problems.push(unsafe(keyAt, 'remote_id: $id must not be an absolute URI'));
      } else if (key === '$schema' && (at !== '' || value !== META_SCHEMA_2020)) {
        problems.push(unsafe(keyAt, `remote_schema: $schema may only be "${META_SCHEMA_2020}" at the root`));
      } else if (
        key === 'format' &&
        (typeof value !== 'string' || !Object.hasOwn(PLUGIN_SCHEMA_FORMATS, value))
      ) {
        const known = Object.keys(PLUGIN_SCHEMA_FORMATS).join(', ');
        problems.push(unsafe(keyAt, `unknown_format: format must be one of ${known}`));
      } else if (key === 'pattern' && typeof value === 'string') {
        const reason = unsafeRegexReason(value);
        if (reason !== undefined) problems.push(regexProblem(path + keyAt, reason));
      }
      if (key === 'patternProperties' && isObject(value)) {
        for (const regex of Object.keys(value)) {
          const reason = unsafeRegexReason(regex);
          if (reason !== undefined)
            problems.push(regexProblem(`${path}${keyAt}/${pointerSegment(regex)}`, reason));
        }
      }
      pushSubschemas(stack, key, value, keyAt);
    }
  }
  if (problems.length > 0) {
    return problems.sort((a, b) => (a.path < b.path ? -1 : 1)).slice(0, MAX_PROBLEMS_PER_SCHEMA);
  }
  try {
    ajv.compile(schema);
  } catch (error) {
    return [{ code: 'schema_invalid', path, message: (error as Error).message }];
  }
  return [];
}

function regexProblem(path: string, reason: string): PluginProblem {
  return {
    code: reason.startsWith('regex_invalid') ? 'schema_invalid' : 'schema_unsafe',
    path,
    message: reason,
  };
}

function pushSubschemas(
  stack: { node: unknown; at: string }[],
  key: string,
  value: unknown,
  at: string,
): void {
  if (SINGLE_SUBSCHEMA.has(key)) {
    stack.push({ node: value, at });
  } else if (key === 'items' || SUBSCHEMA_LIST.has(key)) {
    if (Array.isArray(value)) value.forEach((node, i) => stack.push({ node, at: `${at}/${i}` }));
    else stack.push({ node: value, at });
  } else if ((SUBSCHEMA_MAP.has(key) || key === 'dependencies') && isObject(value)) {
    for (const [name, node] of Object.entries(value))
      stack.push({ node, at: `${at}/${pointerSegment(name)}` });
  }
}
