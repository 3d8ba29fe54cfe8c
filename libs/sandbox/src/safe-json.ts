/** Keys that could reach an object's prototype chain when a parsed value is merged or spread. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses JSON text that came out of a sandbox. `__proto__`, `constructor` and `prototype` keys are
 * dropped at every depth, so no later merge of the value can pollute a host prototype. When given,
 * `mapString` rewrites every string value on the way (the host masks secrets with it).
 */
export function safeJsonParse(text: string, mapString?: (value: string) => string): unknown {
  return JSON.parse(text, (key, value: unknown) => {
    if (FORBIDDEN_KEYS.has(key)) return undefined;
    return mapString && typeof value === 'string' ? mapString(value) : value;
  });
}
