/**
 * `string-map` fields (shell `env`, http `headers`, plugin `credentials`): names to strings, where
 * the field allows it also `{ value, secret: true }`.
 */
import type { StringOrSecret } from '../model';
import { isPlainObject, own, rejectUnknownFields, shown, typeName } from './fields';
import type { Problems } from './problems';
import { childPath } from './source-map';

const SECRET_FIELDS = ['value', 'secret'];

export function readStringMap(
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
