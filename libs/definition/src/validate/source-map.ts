/**
 * Positions of every key and value of a parsed YAML/JSON document, addressed by the same paths
 * problems use (`steps[2].depends_on[0]`), so each problem gets the line and column of the node
 * it is about.
 */
import {
  type Document,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  Scalar,
} from 'yaml';

export interface Position {
  line: number;
  column: number;
}

interface Entry {
  key?: number;
  value?: number;
  /** Source offset of the first character of a scalar's value, when it can be mapped exactly. */
  content?: { start: number; text: string };
  /** The scalar exactly as written (`1.0` stays `1.0`). */
  source?: string;
  /** A scalar written in place: neither an alias nor carrying an anchor that others may repeat. */
  literal?: boolean;
}

export class SourceMap {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly text: string,
    private readonly lines: LineCounter,
    doc: Document,
  ) {
    if (doc.contents) this.walk(doc.contents, '', undefined);
  }

  /** Position of the key (`at: 'key'`) or value of a path, or of its nearest recorded ancestor. */
  position(path: string, at: 'key' | 'value' = 'value'): Position | undefined {
    for (let p: string | undefined = path; p !== undefined; p = parentPath(p)) {
      const e = this.entries.get(p);
      const offset = at === 'key' && p === path ? (e?.key ?? e?.value) : (e?.value ?? e?.key);
      if (offset !== undefined) return this.toPosition(offset);
    }
    return undefined;
  }

  /**
   * Position of the character at `index` in a string value: exact for plain and quoted scalars
   * up to the first escape sequence, otherwise the start of the value.
   */
  positionInValue(path: string, index: number): Position | undefined {
    const content = this.entries.get(path)?.content;
    if (content && this.text.slice(content.start, content.start + index) === content.text.slice(0, index)) {
      return this.toPosition(content.start + index);
    }
    return this.position(path);
  }

  source(path: string): string | undefined {
    return this.entries.get(path)?.source;
  }

  /** Whether the value at `path` is a scalar whose text appears only there (see Entry.literal). */
  isLiteral(path: string): boolean {
    return this.entries.get(path)?.literal === true;
  }

  private toPosition(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  private walk(node: Node, path: string, keyOffset: number | undefined): void {
    const entry: Entry = { key: keyOffset, value: node.range?.[0] };
    this.entries.set(path, entry);
    if (isAlias(node)) return;
    if (isScalar(node)) {
      entry.literal = node.anchor === undefined;
      const start = node.range?.[0];
      if (start !== undefined && typeof node.value === 'string') {
        const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
        if (quoted || node.type === Scalar.PLAIN)
          entry.content = { start: start + (quoted ? 1 : 0), text: node.value };
      }
      if (node.range) entry.source = this.text.slice(node.range[0], node.range[1]);
      return;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyNode = isScalar(pair.key) ? pair.key : undefined;
        const child = childPath(path, key);
        if (isNode(pair.value)) {
          this.walk(pair.value, child, keyNode?.range?.[0]);
        } else {
          this.entries.set(child, { key: keyNode?.range?.[0] });
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        if (isNode(item)) this.walk(item, childPath(path, i), undefined);
      });
    }
  }
}

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `steps` + 2 -> `steps[2]`; `inputs` + `env` -> `inputs.env`; odd keys are quoted: `x["a b"]`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!SIMPLE_KEY.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

function parentPath(path: string): string | undefined {
  if (path === '') return undefined;
  const m = /(\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])$/.exec(path);
  return m ? path.slice(0, m.index) : '';
}
