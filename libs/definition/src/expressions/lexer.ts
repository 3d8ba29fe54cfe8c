import { ExpressionError } from './ast';

export type Token =
  | { type: 'number'; value: number; pos: number; end: number }
  | { type: 'string'; value: string; pos: number; end: number }
  | { type: 'ident'; value: string; pos: number; end: number }
  | { type: 'punct'; value: Punct; pos: number; end: number }
  | { type: 'eof'; pos: number; end: number };

export type Punct =
  '.' | ',' | '[' | ']' | '(' | ')' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||' | '!';

const TWO_CHAR: readonly Punct[] = ['==', '!=', '<=', '>=', '&&', '||'];
const ONE_CHAR: readonly Punct[] = ['.', ',', '[', ']', '(', ')', '<', '>', '!'];
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// A hyphen inside a name belongs to it (`steps.run-tests`): the language has no subtraction.
const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/y;

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      const { value, end } = readString(src, i);
      tokens.push({ type: 'string', value, pos: start, end });
      i = end;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(src);
    if (num) {
      const after = src[i + num[0].length] ?? '';
      if (/[A-Za-z_]/.test(after)) {
        throw new ExpressionError('expression_syntax', `invalid number '${num[0]}${after}'`, start);
      }
      tokens.push({ type: 'number', value: Number(num[0]), pos: start, end: i + num[0].length });
      i += num[0].length;
      continue;
    }
    IDENT.lastIndex = i;
    const ident = IDENT.exec(src);
    if (ident) {
      tokens.push({ type: 'ident', value: ident[0], pos: start, end: i + ident[0].length });
      i += ident[0].length;
      continue;
    }
    const two = src.slice(i, i + 2);
    const punct = TWO_CHAR.find((p) => p === two) ?? ONE_CHAR.find((p) => p === c);
    if (punct) {
      tokens.push({ type: 'punct', value: punct, pos: start, end: i + punct.length });
      i += punct.length;
      continue;
    }
    throw new ExpressionError('expression_syntax', unexpectedCharMessage(src, i), start);
  }
  tokens.push({ type: 'eof', pos: src.length, end: src.length });
  return tokens;
}

function unexpectedCharMessage(src: string, i: number): string {
  const c = src[i];
  if (src.startsWith('{{', i)) {
    return "unexpected '{{': write this expression without {{ }}";
  }
  if (c === '-') return "unexpected '-': subtraction is not part of the expression language";
  if (c === '=') return "unexpected '=': use '==' to compare";
  if (c === '&' || c === '|') return `unexpected '${c}': use '${c}${c}'`;
  return `unexpected character '${c}'`;
}

/** 'single' quotes escape a quote by doubling it (as in GitHub Actions); "double" use backslashes. */
function readString(src: string, start: number): { value: string; end: number } {
  const quote = src[start];
  let value = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === quote) {
      if (quote === "'" && src[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    if (c === '\\' && quote === '"') {
      const next = src[i + 1];
      const escaped = ESCAPES[next ?? ''];
      if (escaped === undefined) {
        throw new ExpressionError('expression_syntax', `unknown escape '\\${next ?? ''}'`, i);
      }
      value += escaped;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  throw new ExpressionError('expression_syntax', 'unterminated string', start);
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r', "'": "'" };
