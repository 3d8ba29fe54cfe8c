import type { SpanSet } from './spans';

const ROOT = 0;

/**
 * An Aho-Corasick automaton over UTF-16 code units: finds every occurrence of thousands of
 * strings in one pass, in time linear in the text whatever the number of strings (a regular
 * expression alternation tries each string at each position). Nodes are plain integer arrays;
 * the root has a dense table, the rest mostly a single child, so building stays cheap.
 */
export class AhoCorasick {
  private readonly rootNext = new Int32Array(0x10000);
  /** The only child's code unit (-1: none), and the child; more children live in `more`. */
  private readonly soleUnit: number[] = [-1];
  private readonly soleNext: number[] = [ROOT];
  private readonly more: (Map<number, number> | undefined)[] = [undefined];
  private readonly fail: number[] = [ROOT];
  /** Length of the longest string that ends at this node (itself or through its failure chain). */
  private readonly longest: number[] = [0];

  constructor(strings: Iterable<string>) {
    for (const text of strings) this.insert(text);
    this.link();
  }

  /** Adds to `spans` the longest occurrence ending at each position of `text`. */
  collect(text: string, spans: SpanSet): void {
    const { rootNext, soleUnit, soleNext, more, fail, longest } = this;
    let node = ROOT;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      for (;;) {
        if (node === ROOT) {
          node = rootNext[unit]!;
          break;
        }
        if (soleUnit[node] === unit) {
          node = soleNext[node]!;
          break;
        }
        const next = more[node]?.get(unit);
        if (next !== undefined) {
          node = next;
          break;
        }
        node = fail[node]!;
      }
      const length = longest[node]!;
      if (length > 0) spans.add(i + 1 - length, i + 1);
    }
  }

  private child(node: number, unit: number): number | undefined {
    if (node === ROOT) {
      const next = this.rootNext[unit]!;
      return next === ROOT ? undefined : next;
    }
    if (this.soleUnit[node] === unit) return this.soleNext[node];
    return this.more[node]?.get(unit);
  }

  private insert(text: string): void {
    let node = ROOT;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      let next = this.child(node, unit);
      if (next === undefined) {
        next = this.soleUnit.length;
        this.soleUnit.push(-1);
        this.soleNext.push(ROOT);
        this.more.push(undefined);
        this.fail.push(ROOT);
        this.longest.push(0);
        if (node === ROOT) this.rootNext[unit] = next;
        else if (this.soleUnit[node] === -1) {
          this.soleUnit[node] = unit;
          this.soleNext[node] = next;
        } else (this.more[node] ??= new Map()).set(unit, next);
      }
      node = next;
    }
    if (text.length > this.longest[node]!) this.longest[node] = text.length;
  }

  /** Failure links, breadth first, and each node's longest match through its failure chain. */
  private link(): void {
    const queue: number[] = [];
    for (let unit = 0; unit < 0x10000; unit++) {
      const next = this.rootNext[unit]!;
      if (next !== ROOT) queue.push(next);
    }
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      const visit = (unit: number, next: number): void => {
        let back = this.fail[node]!;
        let target = this.child(back, unit);
        while (target === undefined && back !== ROOT) {
          back = this.fail[back]!;
          target = this.child(back, unit);
        }
        const link = target ?? ROOT;
        this.fail[next] = link;
        if (this.longest[link]! > this.longest[next]!) this.longest[next] = this.longest[link]!;
        queue.push(next);
      };
      if (this.soleUnit[node] !== -1) visit(this.soleUnit[node]!, this.soleNext[node]!);
      this.more[node]?.forEach((next, unit) => visit(unit, next));
    }
  }
}
