/**
 * Duplicate mapping keys, found in linear time. yaml's own `uniqueKeys` check compares each key
 * with every earlier one: 16,000 keys took seconds, so it is off and this replaces it.
 */
import { type Document, isMap, isPair, isScalar, isSeq, type Node, isNode } from 'yaml';

/** Source offsets of every key that repeats an earlier key of the same mapping. */
export function duplicateKeyOffsets(doc: Document): number[] {
  const found: number[] = [];
  const pending: Node[] = doc.contents ? [doc.contents] : [];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        // Same rule as yaml's default: scalar keys by value, any other key by identity.
        const key: unknown = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          const offset = isNode(pair.key) ? pair.key.range?.[0] : undefined;
          if (offset !== undefined) found.push(offset);
        }
        seen.add(key);
        if (isNode(pair.key)) pending.push(pair.key);
        if (isNode(pair.value)) pending.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) if (isNode(item)) pending.push(item);
    }
  }
  return found.sort((a, b) => a - b);
}
