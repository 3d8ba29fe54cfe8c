import { literalMatcher, type LiteralMatcher } from './literal-matcher';
import { maskDeep } from './mask-deep';
import { maskText } from './mask-text';
import { DEFAULT_MARKER } from './redact';
import { MIN_SECRET_LENGTH, secretForms } from './secret-forms';

export interface RedactorOptions {
  /** What replaces each masked part (default `***`). */
  marker?: string;
  /** Also mask well-known secret shapes (default true). */
  patterns?: boolean;
  /**
   * Most values remembered (default 1024). Past it the value remembered least recently is
   * forgotten: a worker runs for months, and each value costs memory and matching time.
   */
  maxValues?: number;
}

/**
 * Masks secrets in text and in JSON-like values: the values it was told about (with their base64
 * and URL-encoded forms; overlapping ones masked as one) and well-known secret shapes (bearer and
 * basic credentials, AWS keys, private key blocks, JWTs, Warden and GitHub tokens, passwords in
 * URLs and query strings). Time is linear in the text, whatever it holds.
 */
export class Redactor {
  readonly marker: string;
  private readonly patterns: boolean;
  private readonly maxValues: number;
  /** Insertion order is recency order: remembering a value again moves it to the end. */
  private readonly values = new Set<string>();
  /** Null when no value is known; undefined when the values changed since it was built. */
  private matcher: LiteralMatcher | null | undefined = null;

  constructor(options: RedactorOptions = {}) {
    this.marker = options.marker ?? DEFAULT_MARKER;
    this.patterns = options.patterns ?? true;
    this.maxValues = options.maxValues ?? 1024;
  }

  /** Masks these values from now on; values shorter than 4 characters are ignored. */
  remember(...values: (string | undefined)[]): void {
    for (const value of values) {
      if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
      if (this.values.delete(value)) {
        this.values.add(value);
        continue;
      }
      this.values.add(value);
      this.matcher = undefined;
      if (this.values.size > this.maxValues) {
        const oldest = this.values.values().next().value;
        if (oldest !== undefined) this.values.delete(oldest);
      }
    }
  }

  /** How many values are remembered. */
  get size(): number {
    return this.values.size;
  }

  mask(text: string): string {
    if (this.matcher === undefined) {
      this.matcher = this.values.size === 0 ? null : (literalMatcher(secretForms(this.values)) ?? null);
    }
    return maskText(text, this.matcher ?? undefined, this.marker, this.patterns);
  }

  /** A JSON-shaped copy of `value` with every string masked and secret-named fields replaced. */
  maskDeep(value: unknown): unknown {
    return maskDeep(value, (text) => this.mask(text), this.marker);
  }
}
