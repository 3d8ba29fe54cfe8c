import type { ValidateFunction } from 'ajv';
import { compileTenantSchema } from '@warden/plugins';
import { SandboxFailure, type SandboxLimits, type SandboxLogLine, type SandboxUsage } from '../contract';
import { safeJsonParse } from '../safe-json';

const VALIDATOR_CACHE_SIZE = 256;

/**
 * Turns the output text of an invocation into a value: size cap, safe parse (prototype keys
 * dropped, strings masked), then the plugin's output schema. Validators are compiled once per
 * plugin digest; the schemas were checked for safety when the plugin was registered.
 */
export class OutputValidator {
  private readonly validators = new Map<string, ValidateFunction>();

  read(
    text: string,
    digest: string,
    schema: Record<string, unknown> | undefined,
    limits: SandboxLimits,
    mask: (value: string) => string,
    context: { usage: SandboxUsage; logs: SandboxLogLine[] },
  ): unknown {
    if (Buffer.byteLength(text) > limits.maxOutputBytes) {
      throw new SandboxFailure(
        'output-too-large',
        `the output exceeds ${limits.maxOutputBytes} bytes`,
        context.usage,
        context.logs,
      );
    }
    let output: unknown;
    try {
      output = safeJsonParse(text, mask);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SandboxFailure('invalid-output', `unreadable output: ${reason}`, context.usage, context.logs);
    }
    if (schema) {
      let validate: ValidateFunction;
      try {
        validate = this.validator(digest, schema);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new SandboxFailure('invalid-output', `the output schema does not compile: ${reason}`);
      }
      if (!validate(output)) {
        const reason = (validate.errors ?? [])
          .map((e) => `output${e.instancePath} ${e.message ?? 'is invalid'}`)
          .join(', ');
        throw new SandboxFailure('invalid-output', mask(reason), context.usage, context.logs);
      }
    }
    return output;
  }

  private validator(digest: string, schema: Record<string, unknown>): ValidateFunction {
    let validate = this.validators.get(digest);
    if (!validate) {
      // Its own ajv per schema (compileTenantSchema): tenant `$id`s never clash.
      validate = compileTenantSchema(schema);
      if (this.validators.size >= VALIDATOR_CACHE_SIZE) {
        const oldest = this.validators.keys().next().value;
        if (oldest !== undefined) this.validators.delete(oldest);
      }
      this.validators.set(digest, validate);
    }
    return validate;
  }
}
