/**
 * Builders for sandbox tests (not exported from the library): jobs, plugins, a recording logger
 * and a broker that answers from a function instead of the network.
 */
import { createHash } from 'node:crypto';
import {
  SandboxFailure,
  type BrokerContext,
  type CapabilityBroker,
  type SandboxFetchRequest,
  type SandboxFetchResponse,
  type SandboxJob,
  type SandboxLimits,
  type SandboxPlugin,
} from './contract';
import type { SandboxLogger } from './host/logger';

/** Small limits keep abuse tests fast. */
export const TEST_LIMITS: SandboxLimits = {
  memoryMb: 64,
  timeoutMs: 400,
  cpuBudgetMs: 1000,
  maxOutputBytes: 64 * 1024,
  maxLogBytes: 4096,
  maxLogLines: 50,
  maxFetches: 5,
};

export function aPlugin(code: string, overrides: Partial<SandboxPlugin> = {}): SandboxPlugin {
  return {
    id: 'acme.test',
    version: '1.0.0',
    digest: createHash('sha256').update(code).digest('hex'),
    code,
    ...overrides,
  };
}

export function aJob(code: string, overrides: Partial<SandboxJob> = {}): SandboxJob {
  return {
    tenantId: 'tenant-a',
    plugin: aPlugin(code),
    input: {},
    config: {},
    limits: TEST_LIMITS,
    capabilities: { allowedHosts: ['api.example.com'], credentials: [] },
    ...overrides,
  };
}

/** A benign plugin: doubles `input.n`. */
export const DOUBLER = 'module.exports = { run(input) { return { doubled: input.n * 2 }; } };';

export interface RecordingLogger extends SandboxLogger {
  lines: { level: string; message: string }[];
}

export function aRecordingLogger(): RecordingLogger {
  const lines: { level: string; message: string }[] = [];
  return {
    lines,
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
}

export type FetchHandler = (
  request: SandboxFetchRequest,
  context: BrokerContext,
) => Promise<SandboxFetchResponse> | SandboxFetchResponse;

/** A broker served by a function; refuses hosts outside the allowlist like the real one. */
export function aBroker(handler: FetchHandler = () => new Promise(() => undefined)): CapabilityBroker & {
  requests: SandboxFetchRequest[];
} {
  const requests: SandboxFetchRequest[] = [];
  return {
    requests,
    async fetch(request, context) {
      requests.push(request);
      const host = new URL(request.url).hostname;
      if (!context.capabilities.allowedHosts.includes(host)) {
        throw new SandboxFailure('capability-denied', `host ${host} is not allowed`);
      }
      context.recordUse(`fetch:${host}`);
      return handler(request, context);
    },
  };
}

/** Resolves with the SandboxFailure a promise rejects with (fails the test if it resolves). */
export async function failureOf(promise: Promise<unknown>): Promise<SandboxFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SandboxFailure) return error;
    throw error;
  }
  throw new Error('expected a SandboxFailure, the job succeeded');
}
