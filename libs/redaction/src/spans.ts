/**
 * Collects masked spans as [start, end) pairs and unites the ones that overlap or touch, so two
 * secrets that share characters are masked as one and no part of either stays visible. Spans may
 * arrive in order of start or of end; each is pushed and popped at most once (linear).
 */
export class SpanSet {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  add(start: number, end: number): void {
    let from = start;
    let to = end;
    while (this.ends.length > 0 && from <= this.ends[this.ends.length - 1]!) {
      from = Math.min(from, this.starts.pop()!);
      to = Math.max(to, this.ends.pop()!);
    }
    this.starts.push(from);
    this.ends.push(to);
  }

  get size(): number {
    return this.starts.length;
  }

  /** The text with each span replaced by `marker`. */
  apply(text: string, marker: string): string {
    if (this.starts.length === 0) return text;
    let masked = '';
    let at = 0;
    for (let i = 0; i < this.starts.length; i++) {
      masked += text.slice(at, this.starts[i]) + marker;
      at = this.ends[i]!;
    }
    return masked + text.slice(at);
  }
}
