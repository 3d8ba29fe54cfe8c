import { isPlainObject } from '../expressions';
import type { Problems } from './problems';
import { childPath } from './source-map';

export { isPlainObject };

import { MAX_SHOWN_LENGTH, shown } from './shown';

export { MAX_SHOWN_LENGTH, shown };

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (isPlainObject(v)) return 'a mapping';
  return `a ${typeof v}`;
}

/** Reports every key of `obj` not in `allowed` as unknown_field, pointing at the key. */
export function rejectUnknownFields(
  obj: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
  problems: Problems,
  where: string,
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      problems.add(
        'unknown_field',
        childPath(path, key),
        `unknown field '${shown(key)}' in ${where} (allowed: ${allowed.join(', ')})`,
        {
          at: 'key',
        },
      );
    }
  }
}

/** A field that must be a string when present; returns it, or undefined after reporting. */
export function optionalString(
  obj: Record<string, unknown>,
  key: string,
  path: string,
  problems: Problems,
): string | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  problems.add('wrong_type', childPath(path, key), `'${key}' must be a string, got ${typeName(v)}`);
  return undefined;
}

export function optionalBoolean(
  obj: Record<string, unknown>,
  key: string,
  path: string,
  problems: Problems,
): boolean | undefined {
  const v = obj[key];
  if (v === undefined || typeof v === 'boolean') return v;
  problems.add('wrong_type', childPath(path, key), `'${key}' must be true or false, got ${typeName(v)}`);
  return undefined;
}

/** A number field with a lower bound; reports wrong_type or invalid_value. */
export function optionalNumber(
  obj: Record<string, unknown>,
  key: string,
  path: string,
  problems: Problems,
  rule: { min: number; exclusive?: boolean; integer?: boolean },
): number | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  const p = childPath(path, key);
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    problems.add('wrong_type', p, `'${key}' must be a number, got ${typeName(v)}`);
    return undefined;
  }
  if (rule.integer && !Number.isInteger(v)) {
    problems.add('invalid_value', p, `'${key}' must be a whole number, got ${v}`);
    return undefined;
  }
  if (rule.exclusive ? v <= rule.min : v < rule.min) {
    problems.add(
      'invalid_value',
      p,
      `'${key}' must be ${rule.exclusive ? 'greater than' : 'at least'} ${rule.min}, got ${v}`,
    );
    return undefined;
  }
  return v;
}

/** Own property read that never reaches the prototype (`constructor` as a YAML key is just a key). */
export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/**
 * Moves the keys of `values` (an object built by the reader) into the order `raw` lists them,
 * so a definition reads back like its file.
 */
export function orderLike<T extends object>(raw: Record<string, unknown>, values: T): T {
  for (const key of Object.keys(raw)) {
    const desc = Object.getOwnPropertyDescriptor(values, key);
    if (!desc) continue;
    Reflect.deleteProperty(values, key);
    Object.defineProperty(values, key, desc);
  }
  return values;
}
