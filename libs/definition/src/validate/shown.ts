// Kept apart from fields.ts, which needs the YAML source map: workflow code quotes values too.

/** Longest user value a message quotes; a 900 kB name is not worth echoing twice. */
export const MAX_SHOWN_LENGTH = 80;

/** `value` cut to MAX_SHOWN_LENGTH characters with an ellipsis, never splitting a surrogate pair. */
export function shown(value: string): string {
  if (value.length <= MAX_SHOWN_LENGTH) return value;
  const end = /[\uD800-\uDBFF]/.test(value[MAX_SHOWN_LENGTH - 1] ?? '')
    ? MAX_SHOWN_LENGTH - 1
    : MAX_SHOWN_LENGTH;
  return `${value.slice(0, end)}…`;
}
