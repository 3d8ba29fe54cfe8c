/**
 * Shell steps never reach a shell: a command is split into argv words the way a POSIX shell
 * splits them, and templates fill whole words afterwards. Anything a shell would interpret
 * (pipes, redirections, substitutions, variables, command separators) is refused, with a hint
 * to use `shell: bash` and `env:` instead.
 */
import { ExpressionError, findClose, renderTemplate, toText } from './expressions';
import type { ExpressionContext } from './model';

export interface CommandToken {
  /** The word after quote removal; `{{ }}` templates are still in it. */
  raw: string;
  /** Where the word starts in the command. */
  offset: number;
}

export type CommandErrorCode = 'shell_operator' | 'command_syntax';

export class CommandError extends Error {
  constructor(
    readonly code: CommandErrorCode,
    message: string,
    /** 0-based offset in the command. */
    readonly position: number,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

const OPERATOR_CHARS = new Set(['|', ';', '&', '<', '>', '`', '(', ')']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

export function splitCommand(command: string): CommandToken[] {
  const tokens: CommandToken[] = [];
  // A trailing newline (YAML block scalars add one) is harmless; one between words is a separator.
  const contentEnd = command.trimEnd().length;
  let word: CommandToken | undefined;
  const append = (text: string, at: number): void => {
    word ??= { raw: '', offset: at };
    word.raw += text;
  };
  let i = 0;
  while (i < command.length) {
    const c = command[i];
    if (command.startsWith('{{', i)) {
      const end = closeOf(command, i);
      append(command.slice(i, end), i);
      i = end;
    } else if (WHITESPACE.has(c)) {
      if (c === '\n' && word && i < contentEnd) throw operator('a newline (one command per step)', i);
      if (word) tokens.push(word);
      word = undefined;
      i++;
    } else if (c === "'") {
      const start = i;
      append('', start);
      i++;
      while (i < command.length && command[i] !== "'") {
        const end = command.startsWith('{{', i) ? closeOf(command, i) : i + 1;
        append(command.slice(i, end), start);
        i = end;
      }
      if (i >= command.length) throw new CommandError('command_syntax', 'unterminated single quote', start);
      i++;
    } else if (c === '"') {
      i = readDoubleQuoted(command, i, append);
    } else if (c === '\\') {
      if (i + 1 >= command.length)
        throw new CommandError('command_syntax', 'a command cannot end with a backslash', i);
      append(command[i + 1], i);
      i += 2;
    } else if (OPERATOR_CHARS.has(c)) {
      throw operator(`'${command.startsWith(c + c, i) ? c + c : c}'`, i);
    } else if (c === '$' && isExpansion(command, i)) {
      throw operator(`'${command.slice(i, i + 2)}' (variables and substitutions)`, i);
    } else {
      append(c, i);
      i++;
    }
  }
  if (word) tokens.push(word);
  return tokens;
}

/** Inside "double quotes" a shell still expands `$x`, `$(..)` and backquotes, so those are refused too. */
function readDoubleQuoted(
  command: string,
  start: number,
  append: (text: string, at: number) => void,
): number {
  append('', start);
  let i = start + 1;
  while (i < command.length && command[i] !== '"') {
    const c = command[i];
    if (command.startsWith('{{', i)) {
      const end = closeOf(command, i);
      append(command.slice(i, end), start);
      i = end;
    } else if (c === '\\' && '"\\$`'.includes(command[i + 1] ?? '')) {
      append(command[i + 1], start);
      i += 2;
    } else if (c === '`' || (c === '$' && isExpansion(command, i))) {
      throw operator(`'${c === '`' ? c : command.slice(i, i + 2)}' inside double quotes`, i);
    } else {
      append(c, start);
      i++;
    }
  }
  if (i >= command.length) throw new CommandError('command_syntax', 'unterminated double quote', start);
  return i + 1;
}

function isExpansion(command: string, i: number): boolean {
  return /^\$[A-Za-z_{(0-9@*#?$!-]/.test(command.slice(i, i + 2));
}

function closeOf(command: string, open: number): number {
  const close = findClose(command, open + 2);
  if (close === -1) throw new CommandError('command_syntax', "'{{' is never closed with '}}'", open);
  return close + 2;
}

function operator(what: string, position: number): CommandError {
  return new CommandError(
    'shell_operator',
    `${what} is shell syntax, but this command runs without a shell; quote it to pass it literally, ` +
      'or set `shell: bash` and pass values through `env:`',
    position,
  );
}

/**
 * Renders each word's templates into exactly one argv element; a rendered value is never split
 * again, so an input like `x'; touch /tmp/pwned; echo '` stays one literal argument.
 */
export function renderArgv(command: string, ctx: ExpressionContext): string[] {
  return splitCommand(command).map((token) => {
    try {
      return toText(renderTemplate(token.raw, ctx));
    } catch (err) {
      if (err instanceof ExpressionError) throw new ExpressionError(err.code, err.message, token.offset);
      throw err;
    }
  });
}
