import { ConsoleLogger, type ConsoleLoggerOptions, type LogLevel } from '@nestjs/common';
import { processRedactor, type Redactor } from '@warden/redaction';

type JsonLogOptions = Parameters<ConsoleLogger['getJsonLogObject']>[1];
type JsonLogObject = ReturnType<ConsoleLogger['getJsonLogObject']>;

/**
 * Nest's console logger with every line passed through the process's redactor: well-known
 * secret shapes (bearer tokens, passwords in URLs, private keys, ...) and any secret value the
 * process was told about never reach stdout, in text or JSON mode, stack traces included.
 */
export class RedactingLogger extends ConsoleLogger {
  constructor(
    private readonly redactor: Redactor = processRedactor,
    options: ConsoleLoggerOptions = {},
  ) {
    super(options);
  }

  protected override formatMessage(
    logLevel: LogLevel,
    message: unknown,
    pidMessage: string,
    formattedLogLevel: string,
    contextMessage: string,
    timestampDiff: string,
  ): string {
    // Objects are masked before Nest serializes them (a secret with a quote would be escaped).
    const safe = typeof message === 'string' ? message : this.redactor.maskDeep(message);
    return this.redactor.mask(
      super.formatMessage(logLevel, safe, pidMessage, formattedLogLevel, contextMessage, timestampDiff),
    );
  }

  protected override getJsonLogObject(message: unknown, options: JsonLogOptions): JsonLogObject {
    const entry = super.getJsonLogObject(message, options);
    return {
      ...entry,
      message: this.redactor.maskDeep(entry.message),
      ...(entry.context === undefined ? {} : { context: this.redactor.mask(entry.context) }),
      ...(entry.stack === undefined ? {} : { stack: this.redactor.maskDeep(entry.stack) }),
    };
  }

  protected override printStackTrace(stack: string): void {
    super.printStackTrace(this.redactor.mask(stack));
  }
}
