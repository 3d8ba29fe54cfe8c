/** What every benchmark script shares: its settings from the environment, and its output. */

/** A positive integer from the environment variable `name`, or `fallback` when it is unset. */
export function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return value;
}

export const log = (line: string): void => void process.stdout.write(`${line}\n`);
