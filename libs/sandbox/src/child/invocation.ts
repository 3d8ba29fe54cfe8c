import type { SandboxFailureKind, SandboxLimits, SandboxLogLine } from '../contract';

const LOG_LEVELS = new Set<string>(['debug', 'info', 'warn', 'error']);

/** RangeErrors V8 throws when an allocation cannot be satisfied: a memory failure, not a bug. */
const ALLOCATION_FAILURES = [
  'Invalid string length',
  'Array buffer allocation failed',
  'Invalid array length',
  'Invalid typed array length',
];

export interface Outcome {
  ok: boolean;
  output?: string;
  kind?: SandboxFailureKind;
  message?: string;
  /** The isolate breached a limit or was disposed: the process must be replaced. */
  recycle: boolean;
}

/** State of one call into the isolate: its limits, the logs it produced, its fetches in flight. */
export class Invocation {
  readonly logs: SandboxLogLine[] = [];
  logsTruncated = false;
  done = false;
  private logBytes = 0;

  constructor(
    readonly id: number,
    readonly limits: SandboxLimits,
    readonly deadline: number,
  ) {}

  /** Host-side log caps: the isolate counts too, but only this count is trusted. */
  addLog(level: unknown, message: unknown): void {
    if (this.done) return;
    if (level === 'truncated') {
      this.logsTruncated = true;
      return;
    }
    if (typeof level !== 'string' || !LOG_LEVELS.has(level) || typeof message !== 'string') return;
    const bytes = Buffer.byteLength(message);
    if (this.logs.length >= this.limits.maxLogLines || this.logBytes + bytes > this.limits.maxLogBytes) {
      this.logsTruncated = true;
      return;
    }
    this.logBytes += bytes;
    this.logs.push({ level: level as SandboxLogLine['level'], message });
  }

  remainingMs(): number {
    return Math.max(1, Math.ceil(this.deadline - performance.now()));
  }
}

/** Reads the tagged string the bootstrap returns (see BOOTSTRAP_SOURCE). */
export function interpretResult(text: unknown, limits: SandboxLimits): Outcome {
  if (typeof text !== 'string' || text.length === 0) {
    return { ok: false, kind: 'plugin-error', message: 'the sandbox returned no result', recycle: true };
  }
  const tag = text[0];
  if (tag === 'O') {
    const output = text.slice(1);
    if (Buffer.byteLength(output) > limits.maxOutputBytes) return outputTooLarge(limits);
    return { ok: true, output, recycle: false };
  }
  if (tag === 'T') return outputTooLarge(limits);
  if (tag === 'E') return pluginError(text.slice(1));
  return {
    ok: false,
    kind: 'plugin-error',
    message: 'the sandbox returned a malformed result',
    recycle: true,
  };
}

function outputTooLarge(limits: SandboxLimits): Outcome {
  return {
    ok: false,
    kind: 'output-too-large',
    message: `the output exceeds ${limits.maxOutputBytes} bytes`,
    recycle: false,
  };
}

function pluginError(json: string): Outcome {
  let name = 'Error';
  let message = '';
  try {
    const parsed: unknown = JSON.parse(json);
    if (parsed !== null && typeof parsed === 'object') {
      const fields = parsed as Record<string, unknown>;
      if (typeof fields.name === 'string') name = fields.name;
      if (typeof fields.message === 'string') message = fields.message;
    }
  } catch {
    message = 'the plugin failed with an error that could not be read';
  }
  if (name === 'RangeError' && ALLOCATION_FAILURES.includes(message)) {
    return { ok: false, kind: 'memory', message: `memory limit: ${message}`, recycle: true };
  }
  return { ok: false, kind: 'plugin-error', message: `${name}: ${message}`, recycle: false };
}

/** Maps an error isolated-vm raised on the host side of a call. */
export function classifyIsolateError(error: unknown, isolateDisposed: boolean): Outcome {
  const message = error instanceof Error ? error.message : String(error);
  if (/timed out/i.test(message)) {
    return { ok: false, kind: 'timeout', message: 'the plugin exceeded its time limit', recycle: true };
  }
  if (isolateDisposed || /memory limit/i.test(message)) {
    return { ok: false, kind: 'memory', message: 'the plugin exceeded its memory limit', recycle: true };
  }
  // Compile errors (SyntaxError) and errors thrown by the plugin module's wrapper land here.
  return { ok: false, kind: 'plugin-error', message, recycle: false };
}

/** The CPU budget's failure. */
export const CPU_EXCEEDED: Outcome = {
  ok: false,
  kind: 'cpu',
  message: 'the plugin exceeded its CPU budget',
  recycle: true,
};

/**
 * The timeout of a synchronous call into the isolate: the sooner of the time left and the CPU
 * budget left, since on the isolate's thread the time a call runs bounds the CPU it uses (both as
 * isolated-vm counts them). `byBudget` says the budget set it; a tie is the time limit's.
 */
export function syncCallBound(msLeft: number, cpuLeftMs: number): { timeoutMs: number; byBudget: boolean } {
  const byBudget = cpuLeftMs < msLeft;
  return { timeoutMs: Math.max(1, Math.ceil(byBudget ? cpuLeftMs : msLeft)), byBudget };
}

/** An answer, or a time-limit failure, that came after the CPU budget was spent is the budget's failure. */
export function withinCpuBudget(outcome: Outcome, cpuMs: number, budgetMs: number): Outcome {
  return (outcome.ok || outcome.kind === 'timeout') && cpuMs > budgetMs ? CPU_EXCEEDED : outcome;
}
