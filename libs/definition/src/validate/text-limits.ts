/**
 * Limits a definition's text and values must meet before and after YAML parsing. YAML's composer
 * recurses once per nesting level: a few kilobytes of `[[[[...` overflow the stack, and near the
 * limit V8 can abort the whole process instead of throwing. yaml's CST parser keeps an explicit
 * stack, so the depth is measured without recursion before the document is built.
 */
import { type CST, Parser } from 'yaml';
import type { Problem } from '../model';
import { childPath } from './source-map';

/** How deep a definition may nest (the root mapping is level 1); real workflows stay far below. */
export const MAX_NESTING_DEPTH = 64;

/**
 * U+0000 (no process argument, environment variable or PostgreSQL text can hold it) and unpaired
 * UTF-16 surrogates (not Unicode text). Any other character, emoji included, is fine.
 */
export const UNSTORABLE_CHARACTER =
  /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be used, with the (0-based) index of the offending character. */
export function unstorableCharacter(text: string): { index: number; message: string } | undefined {
  const match = UNSTORABLE_CHARACTER.exec(text);
  if (!match) return undefined;
  const message =
    match[0] === '\u0000'
      ? 'contains a NUL character (U+0000)'
      : 'contains an unpaired UTF-16 surrogate (not valid Unicode text)';
  return { index: match.index, message };
}

/** A syntax_error for text that must not reach the YAML composer, located by line and column. */
export function sourceTextProblem(text: string): Problem | undefined {
  const unstorable = unstorableCharacter(text);
  if (unstorable) return syntaxErrorAt(text, unstorable.index, unstorable.message);
  const tooDeep = firstTooDeepOffset(text);
  if (tooDeep === undefined) return undefined;
  return syntaxErrorAt(text, tooDeep, `the document nests deeper than ${MAX_NESTING_DEPTH} levels`);
}

function syntaxErrorAt(text: string, offset: number, message: string): Problem {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { code: 'syntax_error', message, path: '', line, column: offset - lineStart + 1, severity: 'error' };
}

/** Offset of the first collection nested deeper than MAX_NESTING_DEPTH. */
function firstTooDeepOffset(text: string): number | undefined {
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document' || !token.value) continue;
    const pending: [CST.Token, number][] = [[token.value, 1]];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const [node, depth] = next;
      if (node.type !== 'block-map' && node.type !== 'block-seq' && node.type !== 'flow-collection') continue;
      if (depth > MAX_NESTING_DEPTH) return node.offset;
      for (const item of node.items) {
        if (item.key) pending.push([item.key, depth + 1]);
        if (item.value) pending.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

/**
 * The first problem of a parsed value in document order: nesting deeper than MAX_NESTING_DEPTH
 * (aliases can deepen a document whose text is shallow), or a key or string `unstorableCharacter`
 * refuses (escapes such as `"\0"` produce them from clean text). Iterative, so a hostile value
 * cannot overflow the stack of the check itself.
 */
export function valueProblem(root: unknown): { path: string; message: string } | undefined {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path, depth } = next;
    if (typeof value === 'string') {
      const bad = unstorableCharacter(value);
      if (bad) return { path, message: bad.message };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth + 1 > MAX_NESTING_DEPTH)
      return { path, message: `nests deeper than ${MAX_NESTING_DEPTH} levels` };
    const children: { value: unknown; path: string; depth: number }[] = [];
    if (Array.isArray(value)) {
      value.forEach((item: unknown, i) =>
        children.push({ value: item, path: childPath(path, i), depth: depth + 1 }),
      );
    } else {
      for (const [key, item] of Object.entries(value)) {
        const itemPath = childPath(path, key);
        const badKey = unstorableCharacter(key);
        if (badKey) return { path: itemPath, message: `field name ${badKey.message}` };
        children.push({ value: item, path: itemPath, depth: depth + 1 });
      }
    }
    // Pushed one by one in reverse (a spread of 100k items overflows), so problems come in document order.
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
  }
  return undefined;
}
