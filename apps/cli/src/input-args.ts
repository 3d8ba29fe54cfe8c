import { UsageError } from './cli-errors';

/** Commander collector for a repeatable option. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * `--input k=v` values to an inputs object. Only the first `=` separates, so values may hold
 * `=` (`--input query=a=b`). Values stay strings: the definition's input types decide how they
 * are read (the same coercion runs locally and in the API).
 */
export function parseInputArgs(args: readonly string[]): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(`--input '${arg}': expected key=value, e.g. --input name=Ada`);
    }
    const key = arg.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) {
      throw new UsageError(`--input '${arg}': '${key}' is not a valid input name`);
    }
    if (Object.prototype.hasOwnProperty.call(inputs, key)) {
      throw new UsageError(`--input ${key} is given twice`);
    }
    inputs[key] = arg.slice(eq + 1);
  }
  return inputs;
}
