/**
 * @warden/sandbox runs tenant plugin code where it cannot hurt anyone: a per-tenant pool of child
 * processes under bubblewrap (no network, read-only root, uid 65534, cleared environment), each
 * holding one isolated-vm isolate with a fresh context per invocation, hard limits on time, CPU,
 * memory, output and logs, and capabilities (ctx.log, ctx.fetch) that only ever copy plain data.
 *
 * ```ts
 * const sandbox = new SandboxManager({ broker: createFetchBroker({ credentials }), logger });
 * const result = await sandbox.execute({ tenantId, plugin, input, config, limits, capabilities, signal });
 * ```
 *
 * Plugin code sees exactly these globals (SANDBOX_GLOBALS): globalThis, undefined, NaN, Infinity,
 * Object, Function, Array, Number, Boolean, String, Symbol, BigInt, Date, Promise, RegExp, Proxy,
 * Reflect, JSON, Math, Intl, Map, Set, WeakMap, WeakSet, the Error classes (Error, AggregateError,
 * EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError), ArrayBuffer, DataView,
 * the typed arrays, parseFloat, parseInt, isFinite, isNaN, the URI functions, escape, unescape and
 * eval. No WebAssembly, SharedArrayBuffer, Atomics, console, performance, WeakRef,
 * FinalizationRegistry, timers, require, process or Buffer. Its `run(input, ctx)` gets
 * `ctx.log([level,] ...values)`, `ctx.fetch(url, { method, headers, body, credential })` (served by
 * the host broker) and `ctx.config`.
 */
export * from './contract';
export { DEFAULT_SANDBOX_LIMITS, PLATFORM_LIMIT_CAPS, effectiveLimits } from './limits';
export { safeJsonParse } from './safe-json';
export { SANDBOX_GLOBALS } from './globals';
export { SandboxManager, type SandboxManagerOptions } from './host/manager';
export { SandboxPool, type SandboxPoolOptions, type SandboxPoolStats } from './host/pool';
export { SandboxProcess, type RawOutcome } from './host/sandbox-process';
export { sandboxMetrics, type SandboxMetrics } from './host/metrics';
export type { SandboxLogger } from './host/logger';
export {
  bwrapArgv,
  describeRootEntries,
  probeBwrap,
  SANDBOX_UID,
  type BwrapSpec,
  type RootEntry,
} from './host/os-sandbox';
export { createLauncher, type Launcher, type LauncherOptions, type SandboxCommand } from './host/launcher';
export { childBundlePath, isolatedVmNativePath } from './host/bundle';
export { isolatedVmAddon, isolatedVmPackageFor, type IsolatedVmAddon } from './host/addon';
export {
  createFetchBroker,
  withFetchQuota,
  DEFAULT_FETCH_BROKER_LIMITS,
  createAddressPolicy,
  FetchNetworkError,
  InMemoryCredentialResolver,
  maskSecrets,
  REDACTED,
  type AddressPolicy,
  type AddressPolicyOptions,
  type FetchBrokerOptions,
} from './broker';
