import { Injectable } from '@nestjs/common';
import type { JsonSchema } from '@warden/plugins';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import type { ProblemDetail } from '../http/api-error';
import { pointerToPath } from '../http/schema-validation';

const MAX_CACHED = 500;

/**
 * Validators of a plugin version's schemas (input, config), compiled once per digest. The schemas
 * passed @warden/plugins' safety checks when the version was registered (no remote refs, no
 * ReDoS-prone patterns, bounded size and depth), so compiling them here is safe.
 *
 * `format` is not asserted here: the library's format checks are not exported yet, and an
 * unknown-format error must not turn a registered schema into a 500.
 */
@Injectable()
export class PluginSchemas {
  private readonly cache = new Map<string, ValidateFunction>();

  /** Problems of `value` against `schema` (paths prefixed with `root`); [] when it conforms. */
  check(digest: string, which: string, schema: JsonSchema, value: unknown, root: string): ProblemDetail[] {
    const validate = this.validator(`${digest}:${which}`, schema);
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => {
      const inner = pointerToPath(e.instancePath);
      const path = inner === '' ? root : inner.startsWith('[') ? `${root}${inner}` : `${root}.${inner}`;
      return { path, message: e.message ?? 'is invalid', code: `schema_${e.keyword}` };
    });
  }

  private validator(key: string, schema: JsonSchema): ValidateFunction {
    let validate = this.cache.get(key);
    if (validate === undefined) {
      // One Ajv per schema: tenant `$id`s must not collide with each other.
      const ajv = new Ajv2020({
        strict: true,
        allErrors: false,
        allowUnionTypes: true,
        $data: false,
        validateFormats: false,
      });
      validate = ajv.compile(schema);
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, validate);
    }
    return validate;
  }
}
