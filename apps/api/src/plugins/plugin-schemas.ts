import { Injectable } from '@nestjs/common';
import { compileTenantSchema, type JsonSchema } from '@warden/plugins';
import type { ValidateFunction } from 'ajv';
import type { ProblemDetail } from '../http/api-error';
import { pointerToPath } from '../http/schema-validation';

const MAX_CACHED = 500;

/**
 * Validators of a plugin version's schemas (input, config), compiled once per digest. The schemas
 * passed @warden/plugins' safety checks when the version was registered (no remote refs, no
 * ReDoS-prone patterns, bounded size and depth, known formats only), so compiling them here is safe.
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
      validate = compileTenantSchema(schema);
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, validate);
    }
    return validate;
  }
}
