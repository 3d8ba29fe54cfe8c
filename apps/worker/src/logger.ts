import type { EngineLogger } from '@warden/engine';

type Level = 'info' | 'warn' | 'error';

/** One JSON object per line on stdout (info) or stderr (warn, error): easy to grep and ship. */
export function createJsonLogger(component: string, write = defaultWrite): EngineLogger {
  const log = (level: Level) => (message: string, meta?: Record<string, unknown>) =>
    write(
      level,
      `${JSON.stringify({ time: new Date().toISOString(), level, component, message, ...meta })}\n`,
    );
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

function defaultWrite(level: Level, line: string): void {
  (level === 'info' ? process.stdout : process.stderr).write(line);
}
