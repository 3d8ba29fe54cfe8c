import { checkInputValue, compilePattern } from '../inputs';
import type { InputSpec, InputType, InputValidation } from '../model';
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
import { INPUT_NAME, RESERVED_NAMES } from './rules';
import { childPath } from './source-map';

const INPUT_TYPES: readonly InputType[] = ['string', 'number', 'integer', 'boolean', 'object', 'array'];
const INPUT_FIELDS = ['type', 'description', 'required', 'default', 'validation'];
const VALIDATION_FIELDS = ['pattern', 'enum', 'minimum', 'maximum', 'minLength', 'maxLength'];

export function readInputs(raw: unknown, problems: Problems): Record<string, InputSpec> {
  const inputs: Record<string, InputSpec> = {};
  if (raw === undefined || raw === null) return inputs;
  if (!isPlainObject(raw)) {
    problems.add(
      'wrong_type',
      'inputs',
      `'inputs' must be a mapping of input names to specs, got ${typeName(raw)}`,
    );
    return inputs;
  }
  for (const [name, rawSpec] of Object.entries(raw)) {
    const path = childPath('inputs', name);
    if (!INPUT_NAME.test(name) || RESERVED_NAMES.includes(name)) {
      problems.add(
        'invalid_value',
        path,
        `input name '${shown(name)}' must match ${INPUT_NAME.source} and not be a reserved word`,
        {
          at: 'key',
        },
      );
      continue;
    }
    const spec = readInputSpec(rawSpec, path, problems);
    if (spec) inputs[name] = spec;
  }
  return inputs;
}

function readInputSpec(raw: unknown, path: string, problems: Problems): InputSpec | undefined {
  if (!isPlainObject(raw)) {
    problems.add(
      'not_an_object',
      path,
      `an input must be a mapping such as { type: string }, got ${typeName(raw)}`,
    );
    return undefined;
  }
  rejectUnknownFields(raw, INPUT_FIELDS, path, problems, 'an input');
  const type = readType(raw, path, problems);
  const description = optionalString(raw, 'description', path, problems);
  const required = optionalBoolean(raw, 'required', path, problems);
  const validation =
    type && readValidation(own(raw, 'validation'), type, childPath(path, 'validation'), problems);
  if (!type) return undefined;
  const spec: InputSpec = {
    type,
    ...(description !== undefined ? { description } : {}),
    ...(required !== undefined ? { required } : {}),
    ...(validation ? { validation } : {}),
  };
  const def = own(raw, 'default');
  if (def !== undefined) {
    const checked = checkInputValue(spec, def, { coerce: false });
    if (checked.ok) spec.default = def;
    else
      problems.add(
        'invalid_value',
        childPath(path, 'default'),
        `the default does not fit its own spec: ${checked.message}`,
      );
  }
  return orderLike(raw, spec);
}

function readType(raw: Record<string, unknown>, path: string, problems: Problems): InputType | undefined {
  const v = own(raw, 'type');
  const p = childPath(path, 'type');
  if (v === undefined) {
    problems.add('missing_field', path, `an input needs a 'type' (${INPUT_TYPES.join(', ')})`);
    return undefined;
  }
  const type = INPUT_TYPES.find((t) => t === v);
  if (!type) {
    problems.add(
      typeof v === 'string' ? 'invalid_value' : 'wrong_type',
      p,
      `input type must be one of ${INPUT_TYPES.join(', ')}, got ${shown(String(JSON.stringify(v)))}`,
    );
  }
  return type;
}

function readValidation(
  raw: unknown,
  type: InputType,
  path: string,
  problems: Problems,
): InputValidation | undefined {
  if (raw === undefined) return undefined;
  if (!isPlainObject(raw)) {
    problems.add('wrong_type', path, `'validation' must be a mapping, got ${typeName(raw)}`);
    return undefined;
  }
  rejectUnknownFields(raw, VALIDATION_FIELDS, path, problems, 'validation');
  const out: InputValidation = {};
  const onlyFor = (key: string, types: InputType[]): boolean => {
    if (own(raw, key) === undefined || types.includes(type)) return true;
    problems.add(
      'invalid_value',
      childPath(path, key),
      `'${key}' applies to ${types.join(' or ')} inputs, not ${type}`,
    );
    return false;
  };
  const pattern = optionalString(raw, 'pattern', path, problems);
  if (pattern !== undefined && onlyFor('pattern', ['string'])) {
    if (compilePattern(pattern)) out.pattern = pattern;
    else
      problems.add(
        'invalid_value',
        childPath(path, 'pattern'),
        `pattern ${shown(JSON.stringify(pattern))} is not a valid regular expression`,
      );
  }
  const enumValues = own(raw, 'enum');
  if (enumValues !== undefined) {
    if (Array.isArray(enumValues) && enumValues.length > 0) out.enum = enumValues;
    else
      problems.add(
        'wrong_type',
        childPath(path, 'enum'),
        `'enum' must be a non-empty list, got ${typeName(enumValues)}`,
      );
  }
  for (const key of ['minimum', 'maximum'] as const) {
    const v = optionalNumber(raw, key, path, problems, { min: -Infinity });
    if (v !== undefined && onlyFor(key, ['number', 'integer'])) out[key] = v;
  }
  for (const key of ['minLength', 'maxLength'] as const) {
    const v = optionalNumber(raw, key, path, problems, { min: 0, integer: true });
    if (v !== undefined && onlyFor(key, ['string', 'array'])) out[key] = v;
  }
  if (out.minimum !== undefined && out.maximum !== undefined && out.minimum > out.maximum) {
    problems.add(
      'invalid_value',
      childPath(path, 'maximum'),
      `maximum ${out.maximum} is below minimum ${out.minimum}`,
    );
  }
  if (out.minLength !== undefined && out.maxLength !== undefined && out.minLength > out.maxLength) {
    problems.add(
      'invalid_value',
      childPath(path, 'maxLength'),
      `maxLength ${out.maxLength} is below minLength ${out.minLength}`,
    );
  }
  return out;
}
