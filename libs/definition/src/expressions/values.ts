/**
 * The value model of expressions: JSON-like data only. Anything else met while reading the
 * context (functions, class instances, symbols) reads as null, so no host object ever leaks
 * into an expression's result.
 */
import { ExpressionError } from './ast';

/** Names that could reach JavaScript internals; they always read as null. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Returns v when it is expression data, otherwise null. */
export function asData(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return v;
    case 'object':
      return v === null || Array.isArray(v) || isPlainObject(v) ? v : null;
    default:
      return null;
  }
}

/** Reads an own, enumerable data property of a plain object or array; anything else is null. */
export function readProperty(target: unknown, key: string | number): unknown {
  const name = String(key);
  if (FORBIDDEN_KEYS.has(name)) return null;
  if (!Array.isArray(target) && !isPlainObject(target)) return null;
  if (Array.isArray(target) && !/^(0|[1-9]\d*)$/.test(name)) return null;
  const desc = Object.getOwnPropertyDescriptor(target, name);
  if (!desc || !desc.enumerable || !('value' in desc)) return null;
  return asData(desc.value);
}

export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '') return false;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  return true;
}

/** String form used by templates and string functions: null is empty, data is JSON. */
export function toText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Number coercion of GitHub Actions: null 0, booleans 0/1, numeric strings, else NaN. */
export function toNumber(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '') return 0;
    return /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : NaN;
  }
  return NaN;
}

/**
 * Equality: same primitive type compares directly (strings case-sensitively); different primitive
 * types compare as numbers (`'0' == 0`); lists and objects compare by content.
 */
/**
 * Equality with GitHub Actions' coercions, except for null: a missing value equals only null.
 * Unlike Actions, `null == 0` is false, so a guard such as `steps.tests.exit_code == 0` never
 * holds for a step that produced no exit code (cancelled, skipped, not a shell step).
 */
export function looseEquals(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) {
    return (a === null || a === undefined) && (b === null || b === undefined);
  }
  const ca = typeof a === 'object' && a !== null;
  const cb = typeof b === 'object' && b !== null;
  if (ca || cb) return ca && cb && deepEquals(a, b);
  if (typeof a === typeof b) return a === b;
  const na = toNumber(a);
  const nb = toNumber(b);
  return !Number.isNaN(na) && na === nb;
}

export function deepEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEquals(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEquals(a[k], b[k]))
    );
  }
  return false;
}

export function checkStringLength(s: string, max: number, pos: number): string {
  if (s.length > max) {
    throw new ExpressionError('expression_limit', `a produced string is longer than ${max} characters`, pos);
  }
  return s;
}

export function typeOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'list';
  return typeof v;
}
