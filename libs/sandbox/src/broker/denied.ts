import { SandboxFailure } from '../contract';

/** Every refusal of the broker is the same failure kind; the message names the reason. */
export function denied(message: string): SandboxFailure {
  return new SandboxFailure('capability-denied', message);
}

/**
 * A request the broker allowed but the network did not complete (connection refused, TLS error,
 * reset). Not a refusal: the plugin may reasonably catch it and retry.
 */
export class FetchNetworkError extends Error {
  constructor(
    message: string,
    /** Node's error code where there is one, e.g. `ECONNREFUSED`. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'FetchNetworkError';
  }
}
