import { literalMatcher, type LiteralMatcher } from './literal-matcher';
import { maskText } from './mask-text';
import { secretForms } from './secret-forms';

export const DEFAULT_MARKER = '***';

export interface RedactOptions {
  /** What replaces each masked part (default `***`). */
  marker?: string;
  /**
   * Also mask well-known secret shapes (default true). Off where a value may legitimately carry
   * such a shape, such as an API response handed to the plugin that asked for it.
   */
  patterns?: boolean;
}

/** The last set of secrets and its matcher: callers mask many strings with the same few secrets. */
let last: { key: string; matcher: LiteralMatcher | undefined } | undefined;

/**
 * `text` with these secrets (and their encoded forms) and, unless turned off, the well-known
 * secret shapes masked. For a short-lived set of secrets, such as one sandbox invocation's; a
 * process keeps its long-lived ones in a Redactor.
 */
export function redact(text: string, secrets: Iterable<string>, options: RedactOptions = {}): string {
  const list = [...secrets];
  const key = JSON.stringify(list);
  if (last?.key !== key) last = { key, matcher: literalMatcher(secretForms(list)) };
  return maskText(text, last.matcher, options.marker ?? DEFAULT_MARKER, options.patterns ?? true);
}
