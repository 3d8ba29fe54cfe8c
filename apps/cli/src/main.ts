#!/usr/bin/env node
import { CommanderError } from 'commander';
import { CommandExit, EXIT, UsageError } from './cli-errors';
import { processOutput } from './output';
import { createProgram } from './program';

/** Runs `warden` with the given arguments and returns its exit code; never prints a stack. */
export async function runCli(argv: string[]): Promise<number> {
  const program = createProgram(processOutput);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommandExit) return err.exitCode;
    if (err instanceof UsageError) {
      processOutput.err(`warden: ${err.message}`);
      return EXIT.usage;
    }
    if (err instanceof CommanderError) {
      // Commander already printed the message; help and --version are not errors.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    processOutput.err(`warden: unexpected error: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.failure;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
