import type { Command } from 'commander';
import { parseWorkflow, SECURITY_PROFILES, type SecurityProfile } from '@warden/definition';
import { CommandExit, EXIT, UsageError } from '../cli-errors';
import type { Output } from '../output';
import { formatProblem, hasErrors, readSourceFile } from '../source-file';

export interface ValidateOptions {
  maxProfile?: string;
}

/** Offline: every problem of every file, one line each; exit 1 when any file has an error. */
export function validateFiles(files: string[], options: ValidateOptions, output: Output): number {
  const maxProfile = parseProfile(options.maxProfile);
  let invalid = 0;
  let problemCount = 0;
  for (const path of files) {
    const file = readSourceFile(path);
    const { problems } = parseWorkflow(file.text, { filename: path, ...(maxProfile ? { maxProfile } : {}) });
    for (const problem of problems) output.out(formatProblem(path, problem));
    problemCount += problems.length;
    if (hasErrors(problems)) invalid++;
  }
  output.err(
    invalid === 0
      ? `${files.length} file${files.length === 1 ? '' : 's'} valid`
      : `${problemCount} problem${problemCount === 1 ? '' : 's'} in ${invalid} of ${files.length} file${files.length === 1 ? '' : 's'}`,
  );
  return invalid === 0 ? EXIT.ok : EXIT.failure;
}

export function parseProfile(raw: string | undefined): SecurityProfile | undefined {
  if (raw === undefined) return undefined;
  const profile = SECURITY_PROFILES.find((p) => p === raw);
  if (!profile)
    throw new UsageError(`--max-profile '${raw}': expected one of ${SECURITY_PROFILES.join(', ')}`);
  return profile;
}

export function registerValidateCommand(program: Command, output: Output): void {
  program
    .command('validate')
    .description('check workflow files offline; prints file:line:col code message per problem')
    .argument('<files...>', 'workflow definitions (YAML or JSON)')
    .option('--max-profile <profile>', 'also report steps above this security profile')
    .action((files: string[], options: ValidateOptions) => {
      throw new CommandExit(validateFiles(files, options, output));
    });
}
