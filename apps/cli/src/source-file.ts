import { readFileSync } from 'node:fs';
import { parseWorkflow, resolveRunInputs, type Problem, type WorkflowDefinition } from '@warden/definition';
import { UsageError } from './cli-errors';
import { parseInputArgs } from './input-args';
import type { Output } from './output';

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

export interface CheckedSource {
  file: SourceFile;
  definition: WorkflowDefinition;
  /** As typed on the command line (the API applies the same coercion). */
  inputs: Record<string, unknown>;
  /** With defaults applied and types coerced. */
  resolvedInputs: Record<string, unknown>;
}

/**
 * Reads a definition and checks it and the `--input k=v` values offline, the way the API will;
 * prints every problem and returns undefined when there is one.
 */
export function loadCheckedSource(
  path: string,
  inputArgs: string[],
  output: Output,
): CheckedSource | undefined {
  const inputs = parseInputArgs(inputArgs);
  const file = readSourceFile(path);
  const { definition, problems } = parseSourceFile(file);
  for (const problem of problems) output.err(formatProblem(path, problem));
  if (!definition || hasErrors(problems)) return undefined;
  const resolved = resolveRunInputs(definition, inputs);
  // Run inputs come from the command line, not the file: name the input instead of a line.
  for (const problem of resolved.problems)
    output.err(`${path}: ${problem.path} ${problem.code} ${problem.message}`);
  if (hasErrors(resolved.problems)) return undefined;
  return { file, definition, inputs, resolvedInputs: resolved.values };
}
