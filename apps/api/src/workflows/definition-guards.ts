import type { Problem, WorkflowDefinition } from '@warden/definition';
import { Parser, type CST } from 'yaml';
import { findValueProblem, MAX_NESTING_DEPTH, unstorableCharacterInText } from '../http/input-limits';

/**
 * Checks a definition's text must pass before the language library parses it. YAML's composer
 * recurses once per nesting level: a few kilobytes of `[[[[...` overflow the stack, and near the
 * limit V8 can abort the whole process instead of throwing. yaml's CST parser keeps an explicit
 * stack, so the depth is measured here without recursion.
 */
export function sourceTextProblem(text: string): Problem | undefined {
  const unstorable = unstorableCharacterInText(text);
  if (unstorable) return { ...unstorable, code: 'syntax_error', severity: 'error' };
  const tooDeep = firstTooDeepOffset(text);
  if (tooDeep === undefined) return undefined;
  const before = text.slice(0, tooDeep).split('\n');
  return {
    code: 'syntax_error',
    message: `the document nests deeper than ${MAX_NESTING_DEPTH} levels`,
    path: '',
    line: before.length,
    column: (before[before.length - 1] ?? '').length + 1,
    severity: 'error',
  };
}

/** Offset of the first collection nested deeper than MAX_NESTING_DEPTH (the root is level 1). */
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
 * YAML escapes (`"\0"`, `"\ud800"`) produce text PostgreSQL cannot store even when the source
 * text is clean, so the parsed definition is checked too.
 */
export function unstorableDefinitionProblem(definition: WorkflowDefinition): Problem | undefined {
  const found = findValueProblem(definition);
  return found
    ? { code: 'invalid_value', path: found.path, message: found.message, severity: 'error' }
    : undefined;
}
