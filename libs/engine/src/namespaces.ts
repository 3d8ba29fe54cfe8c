import { isGrpcServiceError, type Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common';

/** gRPC status codes the namespace calls answer with (see grpc/status.proto). */
const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;

/**
 * Tenant slugs end up in namespace and task queue names, so they are DNS labels: lowercase
 * letters, digits and '-', starting and ending with a letter or digit, at most 63 characters.
 * The API's request schema and the worker's flags use this; TenantRepository (which cannot
 * import the engine) checks the same expression again before it stores a tenant.
 */
export const TENANT_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export type NamespaceErrorCode = 'invalid_tenant_slug' | 'invalid_namespace_options' | 'namespace_not_ready';

export class NamespaceError extends Error {
  constructor(
    readonly code: NamespaceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NamespaceError';
  }
}

export function isValidTenantSlug(slug: string): boolean {
  return TENANT_SLUG_PATTERN.test(slug);
}

/** The ONE place a dedicated tenant's namespace name is made. */
export function dedicatedNamespaceFor(slug: string): string {
  if (!isValidTenantSlug(slug)) {
    throw new NamespaceError(
      'invalid_tenant_slug',
      `'${slug}' is not a valid tenant slug (lowercase letters, digits and '-', at most 63)`,
    );
  }
  return `warden-${slug}`;
}

export interface EnsureNamespaceOptions {
  /** How long Temporal keeps closed runs' histories. */
  retentionDays: number;
  /** How long to wait for a new namespace to accept calls. Default 30 s. */
  readyTimeoutMs?: number;
  description?: string;
}

export interface EnsuredNamespace {
  namespace: string;
  /** False when it already existed (its retention is left as it was). */
  created: boolean;
}

const READY_POLL_MS = 250;
/** The probe's own deadline, so one hung call cannot outlast readyTimeoutMs by much. */
const PROBE_DEADLINE_MS = 2000;

/**
 * Registers `name` unless it exists, then waits until it is usable. Registration is
 * idempotent, so the API may call this on every tenant creation and retry it freely.
 *
 * Usable is checked with DescribeTaskQueue rather than DescribeNamespace: the latter reads the
 * store directly and succeeds at once, while starts and polls go through the frontend's
 * namespace cache, which only learns of a new namespace at its next refresh (seconds later).
 */
export async function ensureNamespace(
  connection: Connection,
  name: string,
  opts: EnsureNamespaceOptions,
): Promise<EnsuredNamespace> {
  if (!Number.isInteger(opts.retentionDays) || opts.retentionDays < 1) {
    throw new NamespaceError(
      'invalid_namespace_options',
      `retentionDays must be a positive integer, got ${opts.retentionDays}`,
    );
  }
  let created = true;
  try {
    await connection.workflowService.registerNamespace({
      namespace: name,
      description: opts.description ?? '',
      workflowExecutionRetentionPeriod: msToTs(`${opts.retentionDays} days`),
    });
  } catch (err) {
    if (!isGrpcServiceError(err) || err.code !== GRPC_ALREADY_EXISTS) throw err;
    created = false;
  }
  await waitUntilUsable(connection, name, opts.readyTimeoutMs ?? 30_000);
  return { namespace: name, created };
}

async function waitUntilUsable(connection: Connection, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      await connection.withDeadline(Date.now() + PROBE_DEADLINE_MS, () =>
        connection.workflowService.describeTaskQueue({
          namespace: name,
          // Any queue name will do: describing a queue nobody polls is cheap and creates nothing.
          taskQueue: { name: 'warden-namespace-probe' },
          taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
        }),
      );
      return;
    } catch (err) {
      // NOT_FOUND means "not in the cache yet"; anything else (auth, unreachable) is final.
      if (!isGrpcServiceError(err) || err.code !== GRPC_NOT_FOUND) throw err;
      lastError = err;
    }
    if (Date.now() + READY_POLL_MS > deadline) {
      throw new NamespaceError(
        'namespace_not_ready',
        `namespace '${name}' was registered but was still unknown to the frontend after ${timeoutMs} ms`,
        { cause: lastError },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
}
