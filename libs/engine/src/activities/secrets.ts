/**
 * Opening a step's sealed secrets inside its activity, and keeping the opened values out of what
 * the step reports: outputs, failure messages and details are masked before they leave the
 * activity (and so before Temporal's history or the API can hold them).
 */
import { ApplicationFailure } from '@temporalio/common';
import { CryptoError, type CryptoErrorCode } from '@warden/crypto';
import { isSealedSecret } from '@warden/definition';
import { DEFAULT_MARKER as MARKER, Redactor } from '@warden/redaction';
import {
  ACTIVITY_ERROR_TYPES,
  type SecretFields,
  type SecretOwner,
  type StepString,
} from '../activity-contract';

/** Failures that a retry may cure: the key provider (KMS) or the key table was unreachable. */
const TRANSIENT: ReadonlySet<CryptoErrorCode> = new Set(['key_provider_failed']);

/** The values one step opened, and the masking of them. */
export class OpenedSecrets {
  private readonly values: string[] = [];
  /** Only this step's values (no shapes: a step's output may legitimately hold a token-like text). */
  private readonly redactor = new Redactor({ patterns: false });

  constructor(
    private readonly port: SecretFields | undefined,
    private readonly owner: SecretOwner | undefined,
    private readonly stepId: string,
  ) {}

  /** `env` or `headers` with every sealed value opened. */
  async stringMap(map: Record<string, StepString>, field: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(map)) {
      const text =
        typeof value === 'string' ? value : this.remember(await this.open(`${field}.${name}`, value));
      Object.defineProperty(out, name, { value: text, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  /** A plugin config whose sealed top-level properties (JSON of the written value) are opened. */
  async config(config: unknown): Promise<unknown> {
    if (!isRecord(config) || !Object.values(config).some(isSealedSecret)) return config;
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(config)) {
      const opened = isSealedSecret(value)
        ? this.remember(parseJson(await this.open(`config.${name}`, value)))
        : value;
      Object.defineProperty(out, name, {
        value: opened,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }

  /**
   * `text` with every opened value (and its encoded forms) replaced by `***`. Text cut at a size
   * cap may end in the first characters of a value: that tail is masked too.
   */
  mask(text: string, truncated = false): string {
    if (this.values.length === 0) return text;
    const masked = this.redactor.mask(text);
    return truncated ? this.maskCutTail(masked) : masked;
  }

  /** A JSON-shaped copy with every string (and key) masked; iterative, so any depth is fine. */
  maskDeep<T>(value: T): T {
    if (this.values.length === 0) return value;
    if (typeof value === 'string') return this.mask(value) as T;
    if (typeof value !== 'object' || value === null) return value;
    const root: unknown = Array.isArray(value) ? [] : {};
    const stack: [object, object][] = [[value, root as object]];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      const [from, to] = next;
      for (const [key, item] of Object.entries(from)) {
        let copy: unknown = item;
        if (typeof item === 'string') copy = this.mask(item);
        else if (typeof item === 'object' && item !== null) {
          copy = Array.isArray(item) ? [] : {};
          stack.push([item, copy as object]);
        }
        const name = Array.isArray(to) ? key : this.mask(key);
        Object.defineProperty(to, name, {
          value: copy,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    return root as T;
  }

  /** Values opened elsewhere (a step's credential) are masked like the step's own secrets. */
  learn(values: readonly string[]): void {
    this.values.push(...values);
    this.redactor.remember(...values);
    this.port?.remember?.(values);
  }

  private maskCutTail(text: string): string {
    for (const value of this.values) {
      for (let n = Math.min(value.length - 1, text.length); n > 0; n--) {
        if (text.endsWith(value.slice(0, n))) return `${text.slice(0, text.length - n)}${MARKER}`;
      }
    }
    return text;
  }

  private async open(field: string, sealed: { ciphertext: string }): Promise<string> {
    const fullField = `steps.${this.stepId}.${field}`;
    if (this.port === undefined || this.owner === undefined) {
      throw unreadable(fullField, 'this worker cannot open secrets (started without its key ring)', false);
    }
    let value: string;
    try {
      value = await this.port.open({ ...this.owner, field: fullField }, sealed.ciphertext);
    } catch (err) {
      if (!(err instanceof CryptoError)) throw err;
      throw unreadable(fullField, `${err.code} (${err.message})`, TRANSIENT.has(err.code));
    }
    return value;
  }

  /** Masks every string in `opened` (a config value may be an object) from now on. */
  private remember<T>(opened: T): T {
    const strings: string[] = [];
    const stack: unknown[] = [opened];
    while (stack.length > 0) {
      const next = stack.pop();
      if (typeof next === 'string') strings.push(next);
      else if (typeof next === 'object' && next !== null)
        for (const item of Object.values(next)) stack.push(item);
    }
    this.values.push(...strings);
    this.redactor.remember(...strings);
    this.port?.remember?.(strings);
    return opened;
  }
}

function unreadable(field: string, reason: string, retryable: boolean): ApplicationFailure {
  return ApplicationFailure.create({
    type: ACTIVITY_ERROR_TYPES.secretUnreadable,
    message: `cannot open secret ${field}: ${reason}`,
    nonRetryable: !retryable,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
