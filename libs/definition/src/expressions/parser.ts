import {
  children,
  type BinaryOp,
  type EvalLimits,
  type Expr,
  type FunctionName,
  ExpressionError,
  FUNCTION_NAMES,
  ROOT_NAMES,
  withDefaults,
} from './ast';
import { type Punct, type Token, tokenize } from './lexer';

/** Arity of each function: [min, max]. */
const ARITY: Record<FunctionName, [number, number]> = {
  contains: [2, 2],
  startsWith: [2, 2],
  endsWith: [2, 2],
  length: [1, 1],
  toJSON: [1, 1],
  fromJSON: [1, 1],
  format: [1, 64],
};

/**
 * Parses an expression (recursive descent). Precedence, loosest first:
 * `||`, `&&`, `== !=`, `< <= > >= in not in`, `!`, postfix `.name` / `[index]`.
 */
export function parseExpression(src: string, limits?: EvalLimits): Expr {
  const lim = withDefaults(limits);
  if (src.length > lim.maxSourceLength) {
    throw new ExpressionError(
      'expression_limit',
      `expression is ${src.length} characters long; the limit is ${lim.maxSourceLength}`,
      lim.maxSourceLength,
    );
  }
  return new Parser(tokenize(src), lim).parseAll();
}

class Parser {
  private i = 0;
  private depth = 0;
  private nodes = 0;
  private readonly depths = new Map<Expr, number>();

  constructor(
    private readonly tokens: Token[],
    private readonly limits: Required<EvalLimits>,
  ) {}

  parseAll(): Expr {
    const first = this.peek();
    if (first.type === 'eof') throw new ExpressionError('expression_syntax', 'empty expression', first.pos);
    const expr = this.parseOr();
    const next = this.peek();
    if (next.type !== 'eof') {
      throw new ExpressionError('expression_syntax', `unexpected ${describe(next)}`, next.pos);
    }
    return expr;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isPunct('||')) {
      const pos = this.next().pos;
      left = this.node({ kind: 'logical', op: '||', left, right: this.parseAnd(), pos });
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseEquality();
    while (this.isPunct('&&')) {
      const pos = this.next().pos;
      left = this.node({ kind: 'logical', op: '&&', left, right: this.parseEquality(), pos });
    }
    return left;
  }

  private parseEquality(): Expr {
    let left = this.parseRelational();
    while (this.isPunct('==') || this.isPunct('!=')) {
      const tok = this.next();
      const op: BinaryOp = tok.type === 'punct' && tok.value === '==' ? '==' : '!=';
      left = this.node({ kind: 'binary', op, left, right: this.parseRelational(), pos: tok.pos });
    }
    return left;
  }

  private parseRelational(): Expr {
    let left = this.parseUnary();
    for (;;) {
      const tok = this.peek();
      let op: BinaryOp | undefined;
      if (
        tok.type === 'punct' &&
        (tok.value === '<' || tok.value === '<=' || tok.value === '>' || tok.value === '>=')
      ) {
        op = tok.value;
        this.next();
      } else if (tok.type === 'ident' && tok.value === 'in') {
        op = 'in';
        this.next();
      } else if (tok.type === 'ident' && tok.value === 'not') {
        this.next();
        const inTok = this.next();
        if (inTok.type !== 'ident' || inTok.value !== 'in') {
          throw new ExpressionError(
            'expression_syntax',
            "expected 'in' after 'not' (use '!' to negate)",
            inTok.pos,
          );
        }
        op = 'not in';
      }
      if (!op) return left;
      left = this.node({ kind: 'binary', op, left, right: this.parseUnary(), pos: tok.pos });
    }
  }

  private parseUnary(): Expr {
    if (this.isPunct('!')) {
      const pos = this.next().pos;
      return this.nested(pos, () => this.node({ kind: 'not', operand: this.parseUnary(), pos }));
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Expr {
    let expr = this.parsePrimary();
    for (;;) {
      if (this.isPunct('.')) {
        this.next();
        const name = this.next();
        if (name.type !== 'ident') {
          throw new ExpressionError(
            'expression_syntax',
            `expected a property name after '.', found ${describe(name)}`,
            name.pos,
          );
        }
        expr = this.node({ kind: 'member', object: expr, property: name.value, pos: name.pos });
      } else if (this.isPunct('[')) {
        const pos = this.next().pos;
        const index = this.nested(pos, () => this.parseOr());
        this.expectPunct(']');
        expr = this.node({ kind: 'index', object: expr, index, pos });
      } else if (this.isPunct('(')) {
        throw new ExpressionError(
          'expression_syntax',
          `only functions can be called (${FUNCTION_NAMES.join(', ')})`,
          this.peek().pos,
        );
      } else {
        return expr;
      }
    }
  }

  private parsePrimary(): Expr {
    const tok = this.next();
    switch (tok.type) {
      case 'number':
      case 'string':
        return this.node({ kind: 'literal', value: tok.value, pos: tok.pos });
      case 'ident':
        return this.parseName(tok);
      case 'punct':
        if (tok.value === '(') {
          const inner = this.nested(tok.pos, () => this.parseOr());
          this.expectPunct(')');
          return inner;
        }
        if (tok.value === '[') return this.nested(tok.pos, () => this.parseList(tok.pos));
        break;
      case 'eof':
        throw new ExpressionError('expression_syntax', 'unexpected end of expression', tok.pos);
    }
    throw new ExpressionError('expression_syntax', `unexpected ${describe(tok)}`, tok.pos);
  }

  private parseName(tok: Extract<Token, { type: 'ident' }>): Expr {
    const name = tok.value;
    if (name === 'true' || name === 'false')
      return this.node({ kind: 'literal', value: name === 'true', pos: tok.pos });
    if (name === 'null') return this.node({ kind: 'literal', value: null, pos: tok.pos });
    if (this.isPunct('(')) return this.parseCall(tok);
    const root = ROOT_NAMES.find((r) => r === name);
    if (!root) {
      throw new ExpressionError(
        'expression_syntax',
        `unknown name '${name}': an expression reads ${ROOT_NAMES.join(', ')} (strings need quotes)`,
        tok.pos,
      );
    }
    return this.node({ kind: 'name', name: root, pos: tok.pos });
  }

  private parseCall(tok: Extract<Token, { type: 'ident' }>): Expr {
    // Function names match case-insensitively, as in GitHub Actions.
    const fn = FUNCTION_NAMES.find((f) => f.toLowerCase() === tok.value.toLowerCase());
    if (!fn) {
      throw new ExpressionError(
        'expression_syntax',
        `unknown function '${tok.value}' (available: ${FUNCTION_NAMES.join(', ')})`,
        tok.pos,
      );
    }
    this.next();
    const args = this.nested(tok.pos, () => this.parseItems(')'));
    const [min, max] = ARITY[fn];
    if (args.length < min || args.length > max) {
      const want = min === max ? `${min}` : `${min} to ${max}`;
      throw new ExpressionError(
        'expression_syntax',
        `${fn}() takes ${want} argument(s), got ${args.length}`,
        tok.pos,
      );
    }
    return this.node({ kind: 'call', name: fn, args, pos: tok.pos });
  }

  private parseList(pos: number): Expr {
    return this.node({ kind: 'list', items: this.parseItems(']'), pos });
  }

  /** Comma-separated expressions up to `close` (already past the opening bracket). */
  private parseItems(close: ')' | ']'): Expr[] {
    const items: Expr[] = [];
    if (this.isPunct(close)) {
      this.next();
      return items;
    }
    for (;;) {
      items.push(this.parseOr());
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      this.expectPunct(close);
      return items;
    }
  }

  /** Bounds recursion so a deeply nested input fails with a limit error, not a stack overflow. */
  private nested<T>(pos: number, parse: () => T): T {
    if (++this.depth > this.limits.maxDepth) {
      throw new ExpressionError(
        'expression_limit',
        `expression nests deeper than ${this.limits.maxDepth} levels`,
        pos,
      );
    }
    const result = parse();
    this.depth--;
    return result;
  }

  /** Counts nodes and tracks tree depth, which bounds the evaluator's recursion. */
  private node(expr: Expr): Expr {
    if (++this.nodes > this.limits.maxNodes) {
      throw new ExpressionError(
        'expression_limit',
        `expression has more than ${this.limits.maxNodes} parts`,
        expr.pos,
      );
    }
    const depth = 1 + Math.max(0, ...children(expr).map((c) => this.depths.get(c) ?? 0));
    if (depth > this.limits.maxDepth) {
      throw new ExpressionError(
        'expression_limit',
        `expression nests deeper than ${this.limits.maxDepth} levels`,
        expr.pos,
      );
    }
    this.depths.set(expr, depth);
    return expr;
  }

  private peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    const tok = this.tokens[this.i];
    if (tok.type !== 'eof') this.i++;
    return tok;
  }

  private isPunct(p: Punct): boolean {
    const tok = this.peek();
    return tok.type === 'punct' && tok.value === p;
  }

  private expectPunct(p: Punct): void {
    const tok = this.next();
    if (tok.type !== 'punct' || tok.value !== p) {
      throw new ExpressionError('expression_syntax', `expected '${p}', found ${describe(tok)}`, tok.pos);
    }
  }
}

function describe(tok: Token): string {
  switch (tok.type) {
    case 'eof':
      return 'end of expression';
    case 'string':
      return 'a string';
    case 'number':
      return `number ${tok.value}`;
    default:
      return `'${tok.value}'`;
  }
}
