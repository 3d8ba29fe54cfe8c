import { MAX_NESTING_DEPTH, UNSTORABLE_CHARACTER, unstorableCharacter } from '@warden/definition';
import type { ProblemDetail } from './api-error';

/**
 * How deep a request body may nest (the root object or list is level 1): the same limit the
 * language applies to definitions. Recursive code downstream (JSON.stringify, TypeORM, Temporal
 * payloads) overflows the stack at a few hundred levels, and near that limit V8 can even abort
 * the process; real workflows stay far below this.
 */
export { MAX_NESTING_DEPTH };

// U+0000 and unpaired surrogates: the language library's rule, shared so API and CLI agree.
export { unstorableCharacter };

const UNSTORABLE_CHARACTERS = new RegExp(UNSTORABLE_CHARACTER.source, 'g');

/** `text` with every character `unstorableCharacter` refuses replaced by U+FFFD. */
export function toStorableText(text: string): string {
  return text.replace(UNSTORABLE_CHARACTERS, '\uFFFD');
}

/** `unstorableCharacter` located by 1-based line and column, for texts a client wrote by hand. */
export function unstorableCharacterInText(text: string): ProblemDetail | undefined {
  const found = unstorableCharacter(text);
  if (!found) return undefined;
  const before = text.slice(0, found.index).split('\n');
  return {
    path: '',
    message: found.message,
    line: before.length,
    column: (before[before.length - 1] ?? '').length + 1,
  };
}

/**
 * The first problem of a parsed value (a JSON body, a query, a normalized definition), in
 * document order: nesting deeper than `MAX_NESTING_DEPTH`, or a key or string that
 * `unstorableCharacter` refuses. Iterative, so a hostile value cannot overflow the stack of the
 * check itself.
 */
export function findValueProblem(root: unknown, rootPath = ''): ProblemDetail | undefined {
  const pending: { value: unknown; path: string; depth: number }[] = [
    { value: root, path: rootPath, depth: 0 },
  ];
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
        children.push({ value: item, path: `${path}[${i}]`, depth: depth + 1 }),
      );
    } else {
      for (const [key, item] of Object.entries(value)) {
        const itemPath = path === '' ? key : `${path}.${key}`;
        const badKey = unstorableCharacter(key);
        if (badKey) return { path: itemPath, message: `field name ${badKey.message}` };
        children.push({ value: item, path: itemPath, depth: depth + 1 });
      }
    }
    // Reversed onto the stack (one by one: a spread of 100k items overflows), so problems are
    // found in document order.
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
  }
  return undefined;
}
