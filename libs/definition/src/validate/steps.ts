import type { RetrySpec, StepBase, StringOrSecret } from '../model';
import { BASE_STEP_FIELDS, type FieldSpec, getStepType, type StepTypeDescriptor } from '../step-types';
import {
  isPlainObject,
  optionalBoolean,
  orderLike,
  optionalNumber,
  optionalString,
  own,
  rejectUnknownFields,
  shown,
  typeName,
} from './fields';
import type { Problems } from './problems';
import { RESERVED_NAMES, STEP_ID } from './rules';
import { childPath } from './source-map';

const RETRY_FIELDS = ['attempts', 'delay', 'backoff', 'max_delay'];
const SECRET_FIELDS = ['value', 'secret'];

/** A step as read: normalized fields, plus where it came from. */
export interface ReadStep {
  index: number;
  path: string;
  step: StepBase & Record<string, unknown>;
  descriptor?: StepTypeDescriptor;
}

export function readSteps(raw: unknown, problems: Problems): ReadStep[] {
  if (raw === undefined) {
    problems.add('missing_field', '', "a workflow needs 'steps'");
    return [];
  }
  if (!Array.isArray(raw)) {
    problems.add('wrong_type', 'steps', `'steps' must be a list, got ${typeName(raw)}`);
    return [];
  }
  if (raw.length === 0) problems.add('invalid_value', 'steps', 'a workflow needs at least one step');
  return raw.flatMap((item, index) => {
    const read = readStep(item, index, problems);
    return read ? [read] : [];
  });
}

function readStep(raw: unknown, index: number, problems: Problems): ReadStep | undefined {
  const path = `steps[${index}]`;
  if (!isPlainObject(raw)) {
    problems.add(
      'not_an_object',
      path,
      `a step must be a mapping with at least 'id' and 'type', got ${typeName(raw)}`,
    );
    return undefined;
  }
  const id = readId(raw, path, problems);
  const type = readRequiredString(raw, 'type', path, problems);
  const descriptor = type === undefined ? undefined : getStepType(type);
  if (type !== undefined && !descriptor) {
    problems.add('unknown_step_type', childPath(path, 'type'), `unknown step type '${shown(type)}'`);
  }
  // Without a known type its own fields are unknown too, so only the common ones are checked.
  const typeFields = descriptor ? Object.keys(descriptor.fields) : [];
  if (descriptor)
    rejectUnknownFields(
      raw,
      [...BASE_STEP_FIELDS, ...typeFields],
      path,
      problems,
      `a ${descriptor.type} step`,
    );

  const step: StepBase & Record<string, unknown> = { id: id ?? '', type: type ?? '' };
  const name = optionalString(raw, 'name', path, problems);
  if (name !== undefined) step.name = name;
  const dependsOn = readDependsOn(own(raw, 'depends_on'), childPath(path, 'depends_on'), problems);
  if (dependsOn) step.depends_on = dependsOn;
  const when = optionalString(raw, 'when', path, problems);
  if (when !== undefined) step.when = when;
  const timeout = optionalNumber(raw, 'timeout', path, problems, { min: 0, exclusive: true });
  if (timeout !== undefined) step.timeout = timeout;
  const retry = readRetry(own(raw, 'retry'), childPath(path, 'retry'), problems);
  if (retry) step.retry = retry;
  const continueOnError = optionalBoolean(raw, 'continue_on_error', path, problems);
  if (continueOnError !== undefined) step.continue_on_error = continueOnError;

  for (const [field, spec] of Object.entries(descriptor?.fields ?? {})) {
    const value = readTypeField(own(raw, field), field, spec, path, descriptor?.type ?? '', problems);
    if (value !== undefined) step[field] = value;
  }
  return id === undefined ? undefined : { index, path, step: orderLike(raw, step), descriptor };
}

function readId(raw: Record<string, unknown>, path: string, problems: Problems): string | undefined {
  const id = readRequiredString(raw, 'id', path, problems);
  if (id !== undefined && !STEP_ID.test(id)) {
    problems.add(
      'invalid_step_id',
      childPath(path, 'id'),
      `step id '${shown(id)}' must start with a letter and contain only letters, digits, '_' and '-'`,
    );
  } else if (id !== undefined && RESERVED_NAMES.includes(id)) {
    problems.add(
      'invalid_step_id',
      childPath(path, 'id'),
      `step id '${id}' is reserved (expressions could not read steps.${id}); choose another id`,
    );
  }
  return id;
}

function readRequiredString(
  raw: Record<string, unknown>,
  key: string,
  path: string,
  problems: Problems,
): string | undefined {
  const v = own(raw, key);
  if (v === undefined) {
    problems.add('missing_field', childPath(path, key), `a step needs '${key}'`);
    return undefined;
  }
  return optionalString(raw, key, path, problems);
}

function readDependsOn(raw: unknown, path: string, problems: Problems): string[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) {
    problems.add('wrong_type', path, `'depends_on' must be a list of step ids, got ${typeName(raw)}`);
    return undefined;
  }
  const ids: string[] = [];
  raw.forEach((dep, i) => {
    if (typeof dep !== 'string')
      problems.add('wrong_type', `${path}[${i}]`, `a dependency must be a step id, got ${typeName(dep)}`);
    else if (ids.includes(dep))
      problems.add('invalid_value', `${path}[${i}]`, `'${shown(dep)}' is listed twice`);
    else ids.push(dep);
  });
  return ids;
}

function readRetry(raw: unknown, path: string, problems: Problems): RetrySpec | undefined {
  if (raw === undefined) return undefined;
  if (!isPlainObject(raw)) {
    problems.add(
      'wrong_type',
      path,
      `'retry' must be a mapping such as { attempts: 3, delay: 5 }, got ${typeName(raw)}`,
    );
    return undefined;
  }
  rejectUnknownFields(raw, RETRY_FIELDS, path, problems, 'retry');
  if (own(raw, 'attempts') === undefined)
    problems.add('missing_field', `${path}.attempts`, "'retry' needs 'attempts'");
  const attempts = optionalNumber(raw, 'attempts', path, problems, { min: 1, integer: true });
  const delay = optionalNumber(raw, 'delay', path, problems, { min: 0 });
  const backoff = optionalNumber(raw, 'backoff', path, problems, { min: 1 });
  const maxDelay = optionalNumber(raw, 'max_delay', path, problems, { min: 0, exclusive: true });
  if (attempts === undefined) return undefined;
  return {
    attempts,
    ...(delay !== undefined ? { delay } : {}),
    ...(backoff !== undefined ? { backoff } : {}),
    ...(maxDelay !== undefined ? { max_delay: maxDelay } : {}),
  };
}

/** Checks a per-type field against its descriptor; string maps get scalar values as strings. */
function readTypeField(
  v: unknown,
  field: string,
  spec: FieldSpec,
  stepPath: string,
  type: string,
  problems: Problems,
): unknown {
  const path = childPath(stepPath, field);
  if (v === undefined) {
    if (spec.required) problems.add('missing_field', path, `a ${type} step needs '${field}'`);
    return undefined;
  }
  const value =
    spec.kind === 'string-map' ? readStringMap(v, path, field, spec.secretValues === true, problems) : v;
  if (value === undefined) return undefined;
  if (!hasKind(spec.kind, value)) {
    problems.add('wrong_type', path, `'${field}' must be ${KIND_NAMES[spec.kind]}, got ${typeName(value)}`);
    return undefined;
  }
  if (spec.enum && !spec.enum.some((e) => e === value)) {
    problems.add(
      'invalid_value',
      path,
      `'${field}' must be one of ${spec.enum.join(', ')}, got ${JSON.stringify(value)}`,
    );
    return undefined;
  }
  const message = spec.check?.(value);
  if (message) {
    problems.add('invalid_value', path, message);
    return undefined;
  }
  return value;
}

function readStringMap(
  v: unknown,
  path: string,
  field: string,
  secrets: boolean,
  problems: Problems,
): Record<string, StringOrSecret> | undefined {
  if (!isPlainObject(v)) {
    problems.add('wrong_type', path, `'${field}' must be a mapping of names to strings, got ${typeName(v)}`);
    return undefined;
  }
  const out: Record<string, StringOrSecret> = {};
  let ok = true;
  for (const [k, item] of Object.entries(v)) {
    const value = isScalar(item)
      ? String(item)
      : secrets && isPlainObject(item)
        ? readSecret(item, childPath(path, k), problems)
        : wrongEntry(item, childPath(path, k), `${field}.${shown(k)}`, secrets, problems);
    if (value === undefined) ok = false;
    else Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return ok ? out : undefined;
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function wrongEntry(
  item: unknown,
  path: string,
  name: string,
  secrets: boolean,
  problems: Problems,
): undefined {
  const wanted = secrets ? 'a string or { value: ..., secret: true }' : 'a string';
  problems.add('wrong_type', path, `'${name}' must be ${wanted}, got ${typeName(item)}`);
  return undefined;
}

/**
 * `{ value, secret: true }`. The value is stored encrypted and its text masked in the stored
 * source, so it must be written in place (no alias repeating it elsewhere) and is never a
 * template: nothing outside the step's activity may see it to fill one in.
 */
function readSecret(
  raw: Record<string, unknown>,
  path: string,
  problems: Problems,
): StringOrSecret | undefined {
  rejectUnknownFields(raw, SECRET_FIELDS, path, problems, 'a secret');
  const secret = own(raw, 'secret');
  const value = own(raw, 'value');
  if (secret === undefined) problems.add('missing_field', `${path}.secret`, "a secret needs 'secret: true'");
  else if (typeof secret !== 'boolean')
    problems.add('wrong_type', `${path}.secret`, `'secret' must be true or false, got ${typeName(secret)}`);
  if (value === undefined) problems.add('missing_field', `${path}.value`, "a secret needs a 'value'");
  else if (!isScalar(value))
    problems.add(
      'wrong_type',
      `${path}.value`,
      `a secret's 'value' must be a string, got ${typeName(value)}`,
    );
  if (typeof secret !== 'boolean' || !isScalar(value)) return undefined;
  const text = String(value);
  if (!secret) return text;
  if (text.includes('{{')) {
    problems.add(
      'secret_not_literal',
      `${path}.value`,
      'a secret value cannot hold {{ }}: it is stored encrypted and never filled in; write the value itself',
      { offset: text.indexOf('{{') },
    );
    return undefined;
  }
  if (!problems.isLiteral(`${path}.value`)) {
    problems.add(
      'secret_not_literal',
      `${path}.value`,
      'a secret value must be written in place, without a YAML anchor or alias (its text is masked where it is written)',
    );
    return undefined;
  }
  return { value: text, secret: true };
}

const KIND_NAMES: Record<FieldSpec['kind'], string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  any: 'a value',
  'string-map': 'a mapping of names to strings',
};

function hasKind(kind: FieldSpec['kind'], v: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'object':
    case 'string-map':
      return isPlainObject(v);
    case 'array':
      return Array.isArray(v);
    case 'any':
      return true;
  }
}
