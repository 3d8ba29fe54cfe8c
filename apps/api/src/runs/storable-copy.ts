import { toStorableText } from '../http/input-limits';

function copy(value: unknown): unknown {
  if (typeof value === 'string') return toStorableText(value);
  if (Array.isArray(value)) return value.map(copy);
  if (typeof value !== 'object' || value === null) return value;
  // fromEntries defines own properties, so a '__proto__' key stays plain data.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [toStorableText(k), copy(v)]));
}

/**
 * A copy of engine output that PostgreSQL jsonb accepts. A step may legitimately print U+0000
 * (`printf 'a\0b'`) or return it from an HTTP call; JavaScript and Temporal carry it, jsonb
 * refuses it, and the run could then never be mirrored (every read a 500). Stored copies get
 * U+FFFD instead; the live view from Temporal keeps the exact text.
 */
export function storableCopy<T>(value: T): T {
  return copy(value) as T;
}
