import { isSecretName } from './sensitive-keys';

/** Deeper structures are cut here: a log entry that deep is a bug, and recursion has a limit. */
const MAX_DEPTH = 64;

/**
 * A copy of `value` as JSON.stringify would see it (toJSON applied, functions dropped), with
 * every string and key passed through `mask`, and the value of every secret-named field
 * (password, token, apiKey, ...) replaced by `marker`. Errors keep their name and message.
 */
export function maskDeep(value: unknown, mask: (text: string) => string, marker: string): unknown {
  const ancestors = new Set<object>();

  const visit = (current: unknown, depth: number): unknown => {
    if (typeof current === 'string') return mask(current);
    if (typeof current === 'function' || typeof current === 'symbol') return undefined;
    if (typeof current !== 'object' || current === null) return current;
    if (ancestors.has(current)) return '[Circular]';
    if (depth >= MAX_DEPTH) return '[Truncated]';
    const json = (current as { toJSON?: unknown }).toJSON;
    if (typeof json === 'function') return visit((json as () => unknown).call(current), depth);
    ancestors.add(current);
    try {
      if (Array.isArray(current)) return current.map((item: unknown) => visit(item, depth + 1) ?? null);
      const fields: [string, unknown][] = Object.entries(current);
      if (current instanceof Error) fields.unshift(['name', current.name], ['message', current.message]);
      const copy: Record<string, unknown> = {};
      for (const [key, field] of fields) {
        const masked = isSecretName(key) && typeof field === 'string' ? marker : visit(field, depth + 1);
        if (masked === undefined) continue;
        // A `__proto__` key (JSON.parse makes them) stays data instead of setting the prototype.
        Object.defineProperty(copy, mask(key), {
          value: masked,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return copy;
    } finally {
      ancestors.delete(current);
    }
  };

  return visit(value, 0);
}
