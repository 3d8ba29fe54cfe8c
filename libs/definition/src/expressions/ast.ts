/** Syntax tree of an expression. `pos` is the 0-based offset of the node in its source. */
export type Expr =
  | { kind: 'literal'; value: null | boolean | number | string; pos: number }
  | { kind: 'list'; items: Expr[]; pos: number }
  | { kind: 'name'; name: RootName; pos: number }
  | { kind: 'member'; object: Expr; property: string; pos: number }
  | { kind: 'index'; object: Expr; index: Expr; pos: number }
  | { kind: 'not'; operand: Expr; pos: number }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos: number }
  | { kind: 'logical'; op: '&&' | '||'; left: Expr; right: Expr; pos: number }
  | { kind: 'call'; name: FunctionName; args: Expr[]; pos: number };

/** The direct sub-expressions of a node. */
export function children(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'literal':
    case 'name':
      return [];
    case 'list':
      return expr.items;
    case 'call':
      return expr.args;
    case 'member':
      return [expr.object];
    case 'index':
      return [expr.object, expr.index];
    case 'not':
      return [expr.operand];
    case 'binary':
    case 'logical':
      return [expr.left, expr.right];
  }
}

/** The only names an expression can start from; they mirror ExpressionContext. */
export const ROOT_NAMES = ['inputs', 'steps', 'run'] as const;
export type RootName = (typeof ROOT_NAMES)[number];

export type BinaryOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in';

export const FUNCTION_NAMES = [
  'contains',
  'startsWith',
  'endsWith',
  'length',
  'toJSON',
  'fromJSON',
  'format',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export type ExpressionErrorCode = 'expression_syntax' | 'expression_limit' | 'expression_runtime';

export class ExpressionError extends Error {
  constructor(
    readonly code: ExpressionErrorCode,
    message: string,
    /** 0-based offset in the expression source (or template) where the problem is. */
    readonly position: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** Bounds on parsing and evaluation; exceeding one throws ExpressionError('expression_limit'). */
export interface EvalLimits {
  /** Syntax tree size. Default 2000. */
  maxNodes?: number;
  /** Nesting depth of the syntax tree. Default 64. */
  maxDepth?: number;
  /** Length of any string an expression produces. Default 1_000_000. */
  maxStringLength?: number;
  /** Length of the expression source. Default 10_000. */
  maxSourceLength?: number;
}

export const DEFAULT_LIMITS: Required<EvalLimits> = {
  maxNodes: 2000,
  maxDepth: 64,
  maxStringLength: 1_000_000,
  maxSourceLength: 10_000,
};

export function withDefaults(limits: EvalLimits | undefined): Required<EvalLimits> {
  return { ...DEFAULT_LIMITS, ...limits };
}
