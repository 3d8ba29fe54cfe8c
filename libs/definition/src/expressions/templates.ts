import type { ExpressionContext } from '../model';
import { children, type EvalLimits, type Expr, ExpressionError, withDefaults } from './ast';
import { evaluateExpression } from './evaluator';
import { parseExpression } from './parser';
import { checkStringLength, isPlainObject, toText } from './values';

export type TemplatePart =
  | { kind: 'text'; text: string }
  /** `offset` is where `expr` starts in the template; `start`/`end` span the braces. */
  | { kind: 'expr'; expr: string; offset: number; start: number; end: number };

/**
 * Splits a template into text and `{{ expr }}` parts. The closing `}}` is searched outside
 * quoted strings, so `{{ format('{{0}}', x) }}` is one expression.
 */
export function scanTemplate(tpl: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let textStart = 0;
  let i = tpl.indexOf('{{');
  while (i !== -1) {
    const end = findClose(tpl, i + 2);
    if (end === -1) throw new ExpressionError('expression_syntax', "'{{' is never closed with '}}'", i);
    if (i > textStart) parts.push({ kind: 'text', text: tpl.slice(textStart, i) });
    parts.push({ kind: 'expr', expr: tpl.slice(i + 2, end), offset: i + 2, start: i, end: end + 2 });
    textStart = end + 2;
    i = tpl.indexOf('{{', textStart);
  }
  if (textStart < tpl.length) parts.push({ kind: 'text', text: tpl.slice(textStart) });
  return parts;
}

/** Index of the `}}` closing an expression that starts at `from`, or -1. */
export function findClose(tpl: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < tpl.length; i++) {
    const c = tpl[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '}' && tpl[i + 1] === '}') {
      return i;
    }
  }
  return -1;
}

export function templateExpressions(tpl: string): { expr: string; offset: number }[] {
  return scanTemplate(tpl).flatMap((p) => (p.kind === 'expr' ? [{ expr: p.expr, offset: p.offset }] : []));
}

/**
 * Renders a template. A template that is exactly one `{{ expr }}` (surrounding spaces aside)
 * yields the expression's typed value; otherwise values are interpolated as text (null is
 * empty, lists and objects are JSON). Error positions are offsets in the template.
 */
export function renderTemplate(tpl: string, ctx: ExpressionContext, limits?: EvalLimits): unknown {
  const lim = withDefaults(limits);
  const parts = scanTemplate(tpl);
  const exprs = parts.filter((p) => p.kind === 'expr');
  if (exprs.length === 0) return tpl;
  const evalPart = (p: Extract<TemplatePart, { kind: 'expr' }>): unknown => {
    try {
      return evaluateExpression(parseExpression(p.expr, lim), ctx, lim);
    } catch (err) {
      throw err instanceof ExpressionError
        ? new ExpressionError(err.code, err.message, p.offset + err.position)
        : err;
    }
  };
  if (exprs.length === 1 && parts.every((p) => p.kind === 'expr' || p.text.trim() === '')) {
    return evalPart(exprs[0]);
  }
  let out = '';
  for (const p of parts) {
    out += p.kind === 'text' ? p.text : toText(evalPart(p));
    checkStringLength(out, lim.maxStringLength, p.kind === 'expr' ? p.start : 0);
  }
  return out;
}

/** renderTemplate applied to every string inside plain objects and lists (keys stay as they are). */
export function renderValue(value: unknown, ctx: ExpressionContext, limits?: EvalLimits): unknown {
  if (typeof value === 'string') return renderTemplate(value, ctx, limits);
  if (Array.isArray(value)) return value.map((v) => renderValue(v, ctx, limits));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: renderValue(v, ctx, limits),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/**
 * The step ids the templates in `value` read by name (`steps.build.outputs.x`, `steps['build']`),
 * or undefined when one reads `steps` as a whole or through a computed key (`toJSON(steps)`,
 * `steps[inputs.id]`), or does not parse: then any step may matter.
 */
export function stepsReadBy(value: unknown): Set<string> | undefined {
  const read = new Set<string>();
  const visit = (v: unknown): boolean => {
    if (typeof v === 'string') {
      for (const { expr } of templateExpressions(v)) {
        let parsed: Expr;
        try {
          parsed = parseExpression(expr);
        } catch {
          return false;
        }
        for (const { path } of pathReferences(parsed)) {
          if (path[0] !== 'steps') continue;
          if (path[1] === undefined) return false;
          read.add(path[1]);
        }
      }
      return true;
    }
    if (Array.isArray(v)) return v.every(visit);
    if (isPlainObject(v)) return Object.values(v).every(visit);
    return true;
  };
  return visit(value) ? read : undefined;
}

/**
 * Static property paths an expression reads, e.g. `[['inputs','name'], ['steps','build','exit_code']]`.
 * A dynamic index (`steps[inputs.id]`) ends the path before it; its own paths are listed too.
 */
export function referencedPaths(expr: Expr): string[][] {
  return pathReferences(expr).map((r) => r.path);
}

/** referencedPaths with the offset of each path's first name, for precise problem positions. */
export function pathReferences(expr: Expr): { path: string[]; pos: number }[] {
  const out: { path: string[]; pos: number }[] = [];
  const visit = (e: Expr): void => {
    const ref = staticPath(e);
    if (ref) {
      out.push(ref);
      return;
    }
    if (e.kind === 'index') {
      visit(e.object);
      visit(e.index);
      return;
    }
    children(e).forEach(visit);
  };
  visit(expr);
  return out;
}

function staticPath(e: Expr): { path: string[]; pos: number } | undefined {
  switch (e.kind) {
    case 'name':
      return { path: [e.name], pos: e.pos };
    case 'member': {
      const base = staticPath(e.object);
      return base && { path: [...base.path, e.property], pos: base.pos };
    }
    case 'index': {
      const base = staticPath(e.object);
      const key = e.index.kind === 'literal' ? e.index.value : undefined;
      return base && (typeof key === 'string' || typeof key === 'number')
        ? { path: [...base.path, String(key)], pos: base.pos }
        : undefined;
    }
    default:
      return undefined;
  }
}
