import type { LiteralMatcher } from './literal-matcher';
import { maskPatterns } from './patterns';
import { SpanSet } from './spans';

/** Known values first (their spans united), then the well-known shapes in what is left. */
export function maskText(
  text: string,
  values: LiteralMatcher | undefined,
  marker: string,
  patterns: boolean,
): string {
  let masked = text;
  if (values !== undefined) {
    const spans = new SpanSet();
    values.collect(text, spans);
    masked = spans.apply(text, marker);
  }
  return patterns ? maskPatterns(masked, marker) : masked;
}
