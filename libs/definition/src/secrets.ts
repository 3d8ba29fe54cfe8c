/**
 * The three forms of a step secret (see `Secret` in the model) and the few rules every part of
 * Warden applies to them. Pure, so workflow code may import it.
 */
import { isPlainObject } from './expressions/values';
import type { HiddenSecret, SealedSecret, Secret, SecretValue } from './model';

/**
 * What a stored source shows in place of a secret's text. Written back in a new version (PUT of
 * the source a GET returned), it keeps the value of the same field of the version it replaces.
 */
export const SECRET_PLACEHOLDER = '<secret>';

export function isSecret(value: unknown): value is Secret {
  return isPlainObject(value) && value.secret === true;
}

export function isSecretValue(value: unknown): value is SecretValue {
  return isSecret(value) && typeof Reflect.get(value, 'value') === 'string';
}

export function isSealedSecret(value: unknown): value is SealedSecret {
  return isSecret(value) && typeof Reflect.get(value, 'ciphertext') === 'string';
}

/** A mapping's entries that are secrets become `{ secret: true }`; the rest stays as it is. */
export function hideSecrets<T>(value: T): T {
  if (!isPlainObject(value) || !Object.values(value).some(isSecret)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const hidden: HiddenSecret = { secret: true };
    Object.defineProperty(out, key, {
      value: isSecret(item) ? hidden : item,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out as T;
}
