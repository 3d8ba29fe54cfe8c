/**
 * Run inputs: defaults, required inputs, types and validation rules, checked before a run starts.
 * Values from a command line arrive as strings, so `"3"`, `"true"` and JSON text are coerced to
 * the declared type; the API's JSON values must already have it.
 */
import { deepEquals, isPlainObject } from './expressions';
import type { InputSpec, Problem, ProblemCode, WorkflowDefinition } from './model';

export interface ResolvedInputs {
  values: Record<string, unknown>;
  problems: Problem[];
}

export function resolveRunInputs(def: WorkflowDefinition, provided: Record<string, unknown>): ResolvedInputs {
  const values: Record<string, unknown> = {};
  const problems: Problem[] = [];
  const declared = (name: string): boolean => Object.prototype.hasOwnProperty.call(def.inputs, name);
  for (const name of Object.keys(provided)) {
    if (!declared(name)) {
      problems.push(
        problem('unknown_run_input', `inputs.${name}`, `'${name}' is not an input of '${def.name}'`),
      );
    }
  }
  for (const [name, spec] of Object.entries(def.inputs)) {
    const given = Object.prototype.hasOwnProperty.call(provided, name) ? provided[name] : undefined;
    const value = given === undefined ? spec.default : given;
    if (value === undefined) {
      if (spec.required)
        problems.push(problem('input_required', `inputs.${name}`, `input '${name}' is required`));
      continue;
    }
    const checked = checkInputValue(spec, value, { coerce: given !== undefined });
    if (checked.ok) values[name] = checked.value;
    else problems.push(problem(checked.code, `inputs.${name}`, `input '${name}': ${checked.message}`));
  }
  return { values, problems };
}

export type CheckedInput =
  | { ok: true; value: unknown }
  | { ok: false; code: Extract<ProblemCode, 'input_type' | 'input_validation'>; message: string };

/** Checks one value against its spec; also used to check a definition's defaults. */
export function checkInputValue(spec: InputSpec, raw: unknown, opts: { coerce: boolean }): CheckedInput {
  const value = opts.coerce ? coerce(spec.type, raw) : raw;
  if (!hasType(spec.type, value)) {
    return { ok: false, code: 'input_type', message: `expected ${article(spec.type)}, got ${describe(raw)}` };
  }
  const message = validationMessage(spec, value);
  return message ? { ok: false, code: 'input_validation', message } : { ok: true, value };
}

function coerce(type: InputSpec['type'], v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  switch (type) {
    case 'number':
    case 'integer':
      return /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(t) ? Number(t) : v;
    case 'boolean':
      return t === 'true' ? true : t === 'false' ? false : v;
    case 'object':
    case 'array':
      try {
        return JSON.parse(t);
      } catch {
        return v;
      }
    default:
      return v;
  }
}

function hasType(type: InputSpec['type'], v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'object':
      return isPlainObject(v);
    case 'array':
      return Array.isArray(v);
  }
}

function validationMessage(spec: InputSpec, v: unknown): string | undefined {
  const rules = spec.validation;
  if (!rules) return undefined;
  if (rules.enum && !rules.enum.some((e) => deepEquals(e, v))) {
    return `must be one of ${rules.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  }
  if (typeof v === 'string' && rules.pattern !== undefined) {
    const re = compilePattern(rules.pattern);
    if (re && !re.test(v)) return `${JSON.stringify(v)} does not match the pattern ${rules.pattern}`;
  }
  if (typeof v === 'number') {
    if (rules.minimum !== undefined && v < rules.minimum) return `must be at least ${rules.minimum}`;
    if (rules.maximum !== undefined && v > rules.maximum) return `must be at most ${rules.maximum}`;
  }
  if (typeof v === 'string' || Array.isArray(v)) {
    const unit = typeof v === 'string' ? 'characters' : 'items';
    if (rules.minLength !== undefined && v.length < rules.minLength)
      return `must have at least ${rules.minLength} ${unit}`;
    if (rules.maxLength !== undefined && v.length > rules.maxLength)
      return `must have at most ${rules.maxLength} ${unit}`;
  }
  return undefined;
}

/** Patterns are ECMAScript regular expressions with the `u` flag, unanchored (as in JSON Schema). */
export function compilePattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

function problem(code: ProblemCode, path: string, message: string): Problem {
  return { code, message, path, severity: 'error' };
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string')
    return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}
