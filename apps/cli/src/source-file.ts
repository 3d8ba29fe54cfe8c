import { readFileSync } from 'node:fs';
import { parseWorkflow, type Problem, type WorkflowDefinition } from '@warden/definition';
import { UsageError } from './cli-errors';

export interface SourceFile {
  path: string;
  text: string;
  format: 'yaml' | 'json';
}

export function readSourceFile(path: string): SourceFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = err instanceof Error && 'code' in err ? String(err.code) : 'unreadable';
    throw new UsageError(`${path}: cannot read the file (${reason})`);
  }
  return { path, text, format: path.toLowerCase().endsWith('.json') ? 'json' : 'yaml' };
}

/** `file:line:col code message (path)`, the shape editors and CI annotate from. */
export function formatProblem(
  file: string,
  problem: Pick<Problem, 'code' | 'message' | 'path' | 'line' | 'column' | 'severity'>,
): string {
  const where = problem.line !== undefined ? `${file}:${problem.line}:${problem.column ?? 1}` : file;
  const severity = problem.severity === 'warning' ? 'warning ' : '';
  const path = problem.path ? ` (${problem.path})` : '';
  return `${where} ${severity}${problem.code} ${problem.message}${path}`;
}

export function hasErrors(problems: readonly Pick<Problem, 'severity'>[]): boolean {
  return problems.some((p) => p.severity !== 'warning');
}

/** Parses a file; definition only when there is no error. */
export function parseSourceFile(file: SourceFile): { definition?: WorkflowDefinition; problems: Problem[] } {
  return parseWorkflow(file.text, { filename: file.path });
}
