import type { ExpressionContext } from '../model';
import { type EvalLimits, type Expr, ExpressionError, withDefaults } from './ast';
import { FUNCTIONS } from './functions';
import { parseExpression } from './parser';
import {
  asData,
  checkStringLength,
  looseEquals,
  readProperty,
  toNumber,
  toText,
  truthy,
  typeOf,
} from './values';

/**
 * Evaluates an expression against the context. Unknown paths read as null, as in GitHub Actions;
 * `&&` and `||` return one of their operands.
 */
export function evaluateExpression(src: string | Expr, ctx: ExpressionContext, limits?: EvalLimits): unknown {
  const lim = withDefaults(limits);
  const expr = typeof src === 'string' ? parseExpression(src, lim) : src;
  return evaluate(expr, ctx, lim.maxStringLength);
}

function evaluate(expr: Expr, ctx: ExpressionContext, maxString: number): unknown {
  const ev = (e: Expr): unknown => evaluate(e, ctx, maxString);
  switch (expr.kind) {
    case 'literal':
      return typeof expr.value === 'string' ? checkStringLength(expr.value, maxString, expr.pos) : expr.value;
    case 'list':
      return expr.items.map(ev);
    case 'name':
      return asData(rootValue(ctx, expr.name));
    case 'member':
      return readProperty(ev(expr.object), expr.property);
    case 'index': {
      const key = ev(expr.index);
      return typeof key === 'string' || typeof key === 'number' ? readProperty(ev(expr.object), key) : null;
    }
    case 'not':
      return !truthy(ev(expr.operand));
    case 'logical': {
      const left = ev(expr.left);
      if (expr.op === '&&') return truthy(left) ? ev(expr.right) : left;
      return truthy(left) ? left : ev(expr.right);
    }
    case 'binary':
      return binary(expr.op, ev(expr.left), ev(expr.right), expr.pos);
    case 'call':
      return FUNCTIONS[expr.name](expr.args.map(ev), expr.pos, maxString);
  }
}

function rootValue(ctx: ExpressionContext, name: 'inputs' | 'steps' | 'run'): unknown {
  switch (name) {
    case 'inputs':
      return ctx.inputs;
    case 'steps':
      return ctx.steps;
    case 'run':
      return ctx.run ?? null;
  }
}

function binary(
  op: Extract<Expr, { kind: 'binary' }>['op'],
  left: unknown,
  right: unknown,
  pos: number,
): boolean {
  switch (op) {
    case '==':
      return looseEquals(left, right);
    case '!=':
      return !looseEquals(left, right);
    case 'in':
      return contains(right, left, pos);
    case 'not in':
      return !contains(right, left, pos);
    default:
      return compare(op, left, right);
  }
}

function contains(container: unknown, item: unknown, pos: number): boolean {
  if (container === null) return false;
  if (Array.isArray(container)) return container.some((x) => looseEquals(x, item));
  if (typeof container === 'string') return container.includes(toText(item));
  throw new ExpressionError(
    'expression_runtime',
    `'in' needs a list or a string on its right, got ${typeOf(container)}`,
    pos,
  );
}

/**
 * Two strings compare as text; anything else compares as numbers, where NaN makes it false.
 * A missing value (null) is never less or greater than anything.
 */
function compare(op: '<' | '<=' | '>' | '>=', left: unknown, right: unknown): boolean {
  if (left === null || left === undefined || right === null || right === undefined) return false;
  const [a, b] =
    typeof left === 'string' && typeof right === 'string' ? [left, right] : [toNumber(left), toNumber(right)];
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}
