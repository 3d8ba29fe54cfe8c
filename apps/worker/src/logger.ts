import type { EngineLogger } from '@warden/engine';
import { processRedactor, type Redactor } from '@warden/redaction';

type Level = 'info' | 'warn' | 'error';

/**
 * One JSON object per line on stdout (info) or stderr (warn, error): easy to grep and ship.
 * Every line passes through the redactor first: the secret values this process decrypted, and
 * well-known secret shapes, never reach the output, in the message or deep in its fields.
 */
export function createJsonLogger(
  component: string,
  write = defaultWrite,
  redactor: Redactor = processRedactor,
): EngineLogger {
  const log = (level: Level) => (message: string, meta?: Record<string, unknown>) => {
    const entry = { time: new Date().toISOString(), level, component, message, ...meta };
    write(level, `${JSON.stringify(redactor.maskDeep(entry))}\n`);
  };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

function defaultWrite(level: Level, line: string): void {
  (level === 'info' ? process.stdout : process.stderr).write(line);
}
