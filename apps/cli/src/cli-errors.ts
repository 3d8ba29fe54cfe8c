/** Exit codes of every `warden` command. */
export const EXIT = {
  ok: 0,
  /** The thing asked about failed: invalid definition (validate), failed run (run). */
  failure: 1,
  /** The command cannot go ahead: bad arguments, unreadable file, invalid definition or inputs. */
  usage: 2,
  /** Stopped by Ctrl-C. */
  interrupted: 130,
} as const;

/** A mistake in how the command was called; printed as one line, never with a stack. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Ends a command with a given exit code after its output was printed. */
export class CommandExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'CommandExit';
  }
}
