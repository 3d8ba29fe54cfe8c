import type { Problem, ProblemCode } from '../model';
import type { SourceMap } from './source-map';

export interface ReportOptions {
  /** Point at the key rather than the value (unknown fields, bad names). */
  at?: 'key' | 'value';
  /** Offset inside the string value (expressions, commands). */
  offset?: number;
  severity?: Problem['severity'];
}

/** Collects problems and gives each the source position of its path. */
export class Problems {
  readonly list: Problem[] = [];

  constructor(private readonly source: SourceMap) {}

  add(code: ProblemCode, path: string, message: string, opts: ReportOptions = {}): void {
    const pos =
      opts.offset !== undefined
        ? this.source.positionInValue(path, opts.offset)
        : this.source.position(path, opts.at);
    this.list.push({
      code,
      message,
      path,
      ...(pos ? { line: pos.line, column: pos.column } : {}),
      severity: opts.severity ?? 'error',
    });
  }

  /** Adds problems made without positions (profile checks), locating them by path. */
  locate(problems: Problem[]): void {
    for (const p of problems) this.add(p.code, p.path, p.message, { severity: p.severity });
  }

  /** See SourceMap.isLiteral. */
  isLiteral(path: string): boolean {
    return this.source.isLiteral(path);
  }

  hasErrors(): boolean {
    return this.list.some((p) => p.severity === 'error');
  }

  /** Sorted by position and capped, so a hostile document cannot make the answer huge. */
  sorted(): Problem[] {
    return capProblems(sortProblems(this.list));
  }
}

/** Most problems one parse reports; a final too_many_problems says how many more there were. */
export const MAX_PROBLEMS = 100;

export function capProblems(sorted: Problem[]): Problem[] {
  if (sorted.length <= MAX_PROBLEMS) return sorted;
  const dropped = sorted.slice(MAX_PROBLEMS);
  return [
    ...sorted.slice(0, MAX_PROBLEMS),
    {
      code: 'too_many_problems',
      message: `${dropped.length} more problem${dropped.length === 1 ? '' : 's'} not shown; fix these first`,
      path: '',
      severity: dropped.some((p) => p.severity === 'error') ? 'error' : 'warning',
    },
  ];
}

function sortProblems(list: readonly Problem[]): Problem[] {
  const key = (n: number | undefined): number => n ?? Number.MAX_SAFE_INTEGER;
  return [...list].sort(
    (a, b) =>
      key(a.line) - key(b.line) ||
      key(a.column) - key(b.column) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
}
