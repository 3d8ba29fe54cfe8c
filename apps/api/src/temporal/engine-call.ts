import { isGrpcServiceError, ServiceError, type Client } from '@temporalio/client';

/** Bounds every engine call so an unreachable server or a missing worker cannot hang a request. */
const CALL_DEADLINE_MS = 10_000;

// gRPC status codes that mean "the engine is not reachable right now".
const UNAVAILABLE = 14;
const DEADLINE_EXCEEDED = 4;

/**
 * Runs one Temporal call under the deadline; when the engine cannot be reached, throws what
 * `unavailable()` makes (each feature's own `engine_unavailable` error) instead of the gRPC error.
 */
export async function callEngine<T>(
  client: Client,
  fn: () => Promise<T>,
  unavailable: () => Error,
): Promise<T> {
  try {
    return await client.withDeadline(Date.now() + CALL_DEADLINE_MS, fn);
  } catch (err) {
    if (isUnavailable(err)) throw unavailable();
    throw err;
  }
}

function isUnavailable(err: unknown): boolean {
  if (isGrpcServiceError(err)) return err.code === UNAVAILABLE || err.code === DEADLINE_EXCEEDED;
  if (err instanceof ServiceError) return err.cause === undefined || isUnavailable(err.cause);
  return false;
}
