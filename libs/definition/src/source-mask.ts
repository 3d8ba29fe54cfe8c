/**
 * Masks secret values in a definition's text, so the stored source holds no plaintext while every
 * other character, and so every line and column a later problem points at, stays where it was.
 */
import { isAlias, isCollection, isNode, isScalar, parseDocument, visit, type Node } from 'yaml';
import { SECRET_PLACEHOLDER } from './secrets';

/** Keys from the document's root to a value: `['steps', 0, 'env', 'TOKEN', 'value']`. */
export type SourcePath = readonly (string | number)[];

export interface MaskedSource {
  text: string;
  /** Paths that could not be masked: absent, or repeated by an anchor or alias. Nothing was masked then. */
  unmasked: SourcePath[];
}

const PLACEHOLDER_TEXT = JSON.stringify(SECRET_PLACEHOLDER);

/**
 * Replaces the value at each path with `"<secret>"` (valid YAML and JSON), followed by as many
 * line breaks as the value spanned. A value that appears in the text more than once (an anchor
 * or alias in it or on it) cannot be masked; the caller refuses the definition then.
 */
export function maskSourceValues(text: string, paths: readonly SourcePath[]): MaskedSource {
  if (paths.length === 0) return { text, unmasked: [] };
  const doc = parseDocument(text, { uniqueKeys: false });
  const ranges: [number, number][] = [];
  const unmasked: SourcePath[] = [];
  for (const path of paths) {
    const node: unknown = doc.getIn(path, true);
    const range = isNode(node) && writtenOnce(node) ? node.range : undefined;
    if (range) ranges.push([range[0], range[1]]);
    else unmasked.push(path);
  }
  if (unmasked.length > 0) return { text, unmasked };
  let masked = text;
  for (const [start, end] of ranges.sort((a, b) => b[0] - a[0])) {
    masked =
      masked.slice(0, start) + PLACEHOLDER_TEXT + lineBreaksOf(text.slice(start, end)) + masked.slice(end);
  }
  return { text: masked, unmasked: [] };
}

/**
 * The value's line breaks, each with the indentation that followed it: a flow collection's next
 * item stays indented as YAML requires.
 */
function lineBreaksOf(value: string): string {
  return (value.match(/\n[ \t]*/g) ?? []).join('');
}

/** Neither an alias nor anchored, and nothing inside it is either. */
function writtenOnce(node: Node): boolean {
  if (isAlias(node)) return false;
  if (isScalar(node)) return node.anchor === undefined;
  if (!isCollection(node) || node.anchor !== undefined) return false;
  let once = true;
  visit(node, {
    Node(_key, inner) {
      if (isAlias(inner) || inner.anchor !== undefined) {
        once = false;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return once;
}
