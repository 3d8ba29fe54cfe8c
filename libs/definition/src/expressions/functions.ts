import { type FunctionName, ExpressionError } from './ast';
import { asData, checkStringLength, isPlainObject, looseEquals, toText, typeOf } from './values';

type Fn = (args: unknown[], pos: number, maxString: number) => unknown;

/** The whitelisted functions; arity is checked by the parser. */
export const FUNCTIONS: Record<FunctionName, Fn> = {
  contains: ([search, item]) => {
    if (Array.isArray(search)) return search.some((x) => looseEquals(x, item));
    return toText(search).includes(toText(item));
  },
  startsWith: ([s, prefix]) => toText(s).startsWith(toText(prefix)),
  endsWith: ([s, suffix]) => toText(s).endsWith(toText(suffix)),
  length: ([v], pos) => {
    if (v === null) return 0;
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (isPlainObject(v)) return Object.keys(v).length;
    throw new ExpressionError(
      'expression_runtime',
      `length() needs a string, list or object, got ${typeOf(v)}`,
      pos,
    );
  },
  toJSON: ([v], pos, max) => checkStringLength(JSON.stringify(v ?? null), max, pos),
  fromJSON: ([v], pos) => {
    if (typeof v !== 'string') {
      throw new ExpressionError('expression_runtime', `fromJSON() needs a string, got ${typeOf(v)}`, pos);
    }
    try {
      return asData(JSON.parse(v));
    } catch {
      throw new ExpressionError('expression_runtime', 'fromJSON() got text that is not valid JSON', pos);
    }
  },
  format: ([fmt, ...args], pos, max) => format(toText(fmt), args.map(toText), pos, max),
};

/** `format('{0} and {1}', a, b)`; `{{` and `}}` stand for literal braces. */
function format(fmt: string, args: string[], pos: number, max: number): string {
  const out: string[] = [];
  let length = 0;
  const push = (s: string): void => {
    length += s.length;
    if (length > max) {
      throw new ExpressionError(
        'expression_limit',
        `format() would produce more than ${max} characters`,
        pos,
      );
    }
    out.push(s);
  };
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i];
    if ((c === '{' || c === '}') && fmt[i + 1] === c) {
      push(c);
      i += 2;
      continue;
    }
    if (c === '{') {
      const m = /^\{(\d+)\}/.exec(fmt.slice(i, i + 12));
      if (!m) throw new ExpressionError('expression_runtime', `format(): invalid placeholder at ${i}`, pos);
      const n = Number(m[1]);
      if (n >= args.length) {
        throw new ExpressionError('expression_runtime', `format(): {${n}} has no argument`, pos);
      }
      push(args[n]);
      i += m[0].length;
      continue;
    }
    if (c === '}') throw new ExpressionError('expression_runtime', `format(): unmatched '}' at ${i}`, pos);
    push(c);
    i++;
  }
  return out.join('');
}
