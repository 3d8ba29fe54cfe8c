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

  hasErrors(): boolean {
    return this.list.some((p) => p.severity === 'error');
  }

  sorted(): Problem[] {
    const key = (n: number | undefined): number => n ?? Number.MAX_SAFE_INTEGER;
    return [...this.list].sort(
      (a, b) =>
        key(a.line) - key(b.line) ||
        key(a.column) - key(b.column) ||
        (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
    );
  }
}
