import type { RetrySpec, StepBase } from '../model';
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
import { checkHttpCredentialHeaders } from './http-credential';
import { childPath } from './source-map';
import { readStringMap } from './string-map';

const RETRY_FIELDS = ['attempts', 'delay', 'backoff', 'max_delay'];

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
  checkHttpCredentialHeaders(step, path, problems);
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
