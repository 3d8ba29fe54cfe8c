/**
 * Where a definition's secrets are and what the stored version holds in their place: the step
 * `env` values and http headers written `{ value, secret: true }`, and the plugin `config`
 * properties the pinned version's schema marks `writeOnly`. Pure; sealing is in
 * WorkflowSecretsService.
 */
import {
  SECRET_PLACEHOLDER,
  hideSecrets,
  isSealedSecret,
  isSecret,
  isSecretValue,
  type SealedSecret,
  type SourcePath,
  type Step,
  type WorkflowDefinition,
} from '@warden/definition';
import type { ProblemDetail } from '../http/api-error';

/** The string maps whose values may be `{ value, secret: true }`. */
const SECRET_MAPS = ['env', 'headers'] as const;

export interface SecretSlot {
  stepIndex: number;
  stepId: string;
  /** `env.TOKEN`, `headers.Authorization`, `config.apiKey`. */
  key: string;
  /** Where its text is in the source. */
  sourcePath: SourcePath;
  /** Where problems about it point: `steps[2].env.TOKEN`. */
  path: string;
  /** What is sealed: the text, or for a config property the JSON of its value. */
  plaintext: string;
  /** The author wrote the placeholder (`"<secret>"`) that a stored source shows. */
  placeholder: boolean;
}

/** Step id -> config properties whose values are secret. */
export type SecretConfig = ReadonlyMap<string, readonly string[]>;

/** The field of the secret's FieldContext (see workflowSecretContext). */
export function secretField(slot: Pick<SecretSlot, 'stepId' | 'key'>): string {
  return `steps.${slot.stepId}.${slot.key}`;
}

/** Every secret of a parsed definition, in step order. */
export function secretSlots(definition: WorkflowDefinition, secretConfig: SecretConfig): SecretSlot[] {
  return definition.steps.flatMap((step, stepIndex) => {
    const slots: SecretSlot[] = [];
    const slot = (key: string, name: string, sourcePath: SourcePath, plaintext: string, written: unknown) =>
      slots.push({
        stepIndex,
        stepId: step.id,
        key: `${key}.${name}`,
        sourcePath,
        path: `steps[${stepIndex}].${key}${pathKey(name)}`,
        plaintext,
        placeholder: written === SECRET_PLACEHOLDER,
      });
    for (const map of SECRET_MAPS) {
      for (const [name, value] of Object.entries(mapOf(step, map))) {
        if (isSecretValue(value))
          slot(map, name, ['steps', stepIndex, map, name, 'value'], value.value, value.value);
      }
    }
    const config = mapOf(step, 'config');
    for (const name of secretConfig.get(step.id) ?? []) {
      if (!Object.prototype.hasOwnProperty.call(config, name)) continue;
      const value = config[name];
      slot('config', name, ['steps', stepIndex, 'config', name], JSON.stringify(value), value);
    }
    return slots;
  });
}

/** Every sealed value of a stored definition, with its field (see secretField). */
export function storedSecrets(definition: WorkflowDefinition): { field: string; ciphertext: string }[] {
  return definition.steps.flatMap((step) =>
    [...SECRET_MAPS, 'config'].flatMap((map) =>
      Object.entries(mapOf(step, map)).flatMap(([name, value]) =>
        isSealedSecret(value)
          ? [{ field: secretField({ stepId: step.id, key: `${map}.${name}` }), ciphertext: value.ciphertext }]
          : [],
      ),
    ),
  );
}

/** Step id -> the config properties a stored definition holds sealed (a previous version's). */
export function sealedConfigOf(definition: WorkflowDefinition): Map<string, string[]> {
  const sealed = new Map<string, string[]>();
  for (const step of definition.steps) {
    const names = Object.entries(mapOf(step, 'config'))
      .filter(([, value]) => isSealedSecret(value))
      .map(([name]) => name);
    if (names.length > 0) sealed.set(step.id, names);
  }
  return sealed;
}

/**
 * The config properties to seal in a new version: those the pinned plugin marks `writeOnly`,
 * plus those the previous version had sealed. A value restored from a placeholder stays sealed
 * even if the new pin no longer marks its property (sealing more than needed is harmless: steps
 * open whatever is sealed).
 */
export function secretConfigWithPrevious(config: SecretConfig, previous: WorkflowDefinition): SecretConfig {
  const union = new Map<string, string[]>([...config].map(([step, names]) => [step, [...names]]));
  for (const [step, names] of sealedConfigOf(previous)) {
    union.set(step, [...new Set([...(union.get(step) ?? []), ...names])]);
  }
  return union;
}

/**
 * A copy of the definition with each slot's value given by `replace`: its ciphertext when a
 * version is stored, the previous version's value where the author wrote the placeholder.
 */
export function replaceSecrets(
  definition: WorkflowDefinition,
  slots: readonly SecretSlot[],
  replace: (slot: SecretSlot) => unknown,
): WorkflowDefinition {
  if (slots.length === 0) return definition;
  const steps = definition.steps.map((step) => ({ ...step }) as Step & Record<string, unknown>);
  for (const slot of slots) {
    const [field, name] = splitKey(slot.key);
    const step = steps[slot.stepIndex]!;
    const map = { ...mapOf(step, field) };
    Object.defineProperty(map, name, {
      value: replace(slot),
      enumerable: true,
      writable: true,
      configurable: true,
    });
    step[field] = map;
  }
  return { ...definition, steps };
}

export function sealed(ciphertext: string): SealedSecret {
  return { secret: true, ciphertext };
}

/** What API responses show of a stored definition: each secret as `{ secret: true }`. */
export function hiddenDefinition(definition: WorkflowDefinition): WorkflowDefinition {
  return {
    ...definition,
    steps: definition.steps.map((step) => {
      const shown: Record<string, unknown> = { ...step };
      for (const field of [...SECRET_MAPS, 'config']) {
        if (shown[field] !== undefined) shown[field] = hideSecrets(shown[field]);
      }
      return shown as Step;
    }),
  };
}

/**
 * A config property that is not secret but looks like a stored secret would be opened as one by
 * the activity: refused, so only what the API sealed is ever opened.
 */
export function straySecretProblems(
  definition: WorkflowDefinition,
  secretConfig: SecretConfig,
): ProblemDetail[] {
  return definition.steps.flatMap((step, index) =>
    Object.entries(mapOf(step, 'config'))
      .filter(([name, value]) => isSecret(value) && !(secretConfig.get(step.id) ?? []).includes(name))
      .map(([name]) => ({
        code: 'invalid_value',
        path: `steps[${index}].config${pathKey(name)}`,
        message:
          "a config value cannot be an object with 'secret: true' unless the plugin's schema marks it writeOnly",
      })),
  );
}

function mapOf(step: Step, field: string): Record<string, unknown> {
  const value: unknown = Reflect.get(step, field);
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function splitKey(key: string): [string, string] {
  const dot = key.indexOf('.');
  return [key.slice(0, dot), key.slice(dot + 1)];
}

function pathKey(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}
