import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { attemptDeadline, throwIfCancelled, withHeartbeat } from './heartbeat';
import { authenticate, type HttpAuthDeps } from './http-auth';
import { assertProfileAllows } from './profile-guard';
import { readCapped } from './read-capped';
import { OpenedSecrets } from './secrets';
import { isRetryableStatus, statusExpected } from './status';
import {
  ACTIVITY_ERROR_TYPES,
  type ActivityLimits,
  type EngineLogger,
  type HttpActivityInput,
  type HttpActivityResult,
  type SecretFields,
} from '../activity-contract';

export { isRetryableStatus, statusExpected } from './status';

/** The same key on every attempt and every worker, so the receiver can de-duplicate. */
export function idempotencyKey(runId: string, stepId: string): string {
  return `${runId}:${stepId}`;
}

function requestHeaders(
  input: HttpActivityInput,
  declared: Record<string, string>,
  auth: { name: string; value: string } | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(declared)) headers[name.toLowerCase()] = value;
  if (auth !== undefined) headers[auth.name.toLowerCase()] = auth.value;
  if (input.body !== undefined && headers['content-type'] === undefined) {
    headers['content-type'] = typeof input.body === 'string' ? 'text/plain' : 'application/json';
  }
  headers['idempotency-key'] = idempotencyKey(input.runId, input.stepId);
  return headers;
}

function requestBody(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

function parseBody(text: string, contentType: string | null, truncated: boolean): unknown {
  if (truncated || contentType === null || !/\bjson\b/i.test(contentType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw ApplicationFailure.create({
      type: ACTIVITY_ERROR_TYPES.invalidRequest,
      message: `invalid url '${url}'`,
      nonRetryable: true,
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw ApplicationFailure.create({
      type: ACTIVITY_ERROR_TYPES.invalidRequest,
      message: `url scheme '${parsed.protocol}' is not allowed; use http or https`,
      nonRetryable: true,
    });
  }
}

export function createRunHttp(
  logger: EngineLogger,
  limits: ActivityLimits,
  secrets?: SecretFields,
  credentialDeps: HttpAuthDeps = {},
) {
  return async function runHttp(input: HttpActivityInput): Promise<HttpActivityResult> {
    assertProfileAllows(input.profile, 'http');
    checkUrl(input.url);
    const opened = new OpenedSecrets(secrets, input.sealedFor, input.stepId);
    const declared = await opened.stringMap(input.headers, 'headers');
    const ctx = Context.current();
    const deadline = AbortSignal.timeout(Math.max(1, attemptDeadline(Date.now()) - Date.now()));
    const signal = AbortSignal.any([ctx.cancellationSignal, deadline]);
    const method = input.method.toUpperCase();
    let response: Response;
    let body: { text: string; truncated: boolean };
    try {
      ({ response, body } = await withHeartbeat(limits.heartbeatIntervalMs, async () => {
        const auth = await authenticate(input, declared, opened, credentialDeps, signal);
        const res = await fetch(input.url, {
          method,
          headers: requestHeaders(input, declared, auth),
          body: requestBody(input.body),
          signal,
          redirect: 'manual',
        });
        return { response: res, body: await readCapped(res, limits.maxHttpResponseBytes) };
      }));
    } catch (err) {
      throwIfCancelled();
      // The credential's refusals are the step's error as they are (their messages name no value).
      if (err instanceof ApplicationFailure) throw err;
      if (deadline.aborted) {
        throw ApplicationFailure.create({
          type: ACTIVITY_ERROR_TYPES.stepTimeout,
          message: `step '${input.stepId}' exceeded its timeout`,
        });
      }
      const reason = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
      throw ApplicationFailure.create({
        type: ACTIVITY_ERROR_TYPES.httpRequestFailed,
        message: opened.mask(`${method} ${input.url} failed: ${reason}`),
      });
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = opened.mask(value);
    });
    // A server may echo what it was sent: the step's outputs never show an opened secret.
    const parsed = opened.maskDeep(
      parseBody(opened.mask(body.text, body.truncated), response.headers.get('content-type'), body.truncated),
    );
    logger.info('http step answered', { runId: input.runId, stepId: input.stepId, status: response.status });
    if (!statusExpected(response.status, input.expected_status)) {
      throw ApplicationFailure.create({
        type: ACTIVITY_ERROR_TYPES.httpStatus,
        message: `${method} ${input.url} answered ${response.status}`,
        nonRetryable: !isRetryableStatus(response.status),
        details: [{ status: response.status, headers, body: parsed, attempt: ctx.info.attempt }],
      });
    }
    return {
      status: response.status,
      headers,
      body: parsed,
      truncated: body.truncated,
      attempt: ctx.info.attempt,
    };
  };
}
