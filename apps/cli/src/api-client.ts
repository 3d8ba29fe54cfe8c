import type { Problem, RunStatus } from '@warden/definition';
import type { StepState } from '@warden/engine';

/** An answer of the API that is an error: `{ error: { code, message, details? } }`. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** The API could not be reached at all. */
export class ApiUnreachableError extends Error {
  constructor(
    readonly baseUrl: string,
    reason: string,
  ) {
    super(`cannot reach the Warden API at ${baseUrl} (${reason}); is it running? (npm start)`);
    this.name = 'ApiUnreachableError';
  }
}

export interface WorkflowSummary {
  id: string;
  name: string;
  currentVersion: number;
}

export interface WorkflowDetail extends WorkflowSummary {
  current: { version: number; source: string };
}

export interface WorkflowWritten {
  id: string;
  name: string;
  version: number;
  created: boolean;
}

export interface RunStarted {
  runId: string;
  status: RunStatus;
  workflowVersion: number;
}

export interface RunView {
  runId: string;
  status: RunStatus;
  steps: StepState[];
  error: { code: string; message: string; stepId?: string } | null;
}

export interface PluginSubmission {
  manifest: unknown;
  source: string;
  language: 'javascript' | 'typescript';
  signature?: { keyId: string; signature: string };
}

export interface PluginWritten {
  id: string;
  version: string;
  status: string;
  digest: string;
  signingKeyId: string | null;
}

export interface PluginVersionView {
  version: string;
  status: string;
  digest: string;
  signingKeyId: string | null;
}

export interface PublisherKeyView {
  keyId: string;
  name: string;
  platform?: boolean;
  revokedAt?: string | null;
}

/** The few calls `warden run` and `warden plugin` make, over HTTP with fetch. */
export class ApiClient {
  private readonly baseUrl: string;

  /** `token`: an access token or an API key (`wdn_...`), sent as `Authorization: Bearer`. */
  constructor(
    baseUrl: string,
    private readonly token?: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async findWorkflow(name: string): Promise<WorkflowSummary | undefined> {
    const { items } = await this.request<{ items: WorkflowSummary[] }>(
      'GET',
      `/v1/workflows?name=${encodeURIComponent(name)}`,
    );
    return items[0];
  }

  getWorkflow(id: string): Promise<WorkflowDetail> {
    return this.request('GET', `/v1/workflows/${encodeURIComponent(id)}`);
  }

  createWorkflow(source: string, format: 'yaml' | 'json'): Promise<WorkflowWritten> {
    return this.request('POST', '/v1/workflows', { text: source, contentType: mediaType(format) });
  }

  updateWorkflow(id: string, source: string, format: 'yaml' | 'json'): Promise<WorkflowWritten> {
    return this.request('PUT', `/v1/workflows/${encodeURIComponent(id)}`, {
      text: source,
      contentType: mediaType(format),
    });
  }

  startRun(workflowId: string, inputs: Record<string, unknown>, idempotencyKey: string): Promise<RunStarted> {
    return this.request('POST', `/v1/workflows/${encodeURIComponent(workflowId)}/runs`, {
      text: JSON.stringify({ inputs }),
      contentType: 'application/json',
      headers: { 'Idempotency-Key': idempotencyKey },
    });
  }

  getRun(runId: string): Promise<RunView> {
    return this.request('GET', `/v1/runs/${encodeURIComponent(runId)}`);
  }

  registerPlugin(submission: PluginSubmission): Promise<PluginWritten> {
    return this.request('POST', '/v1/plugins', jsonBody(submission));
  }

  addPluginVersion(pluginId: string, submission: PluginSubmission): Promise<PluginWritten> {
    return this.request('PUT', `/v1/plugins/${encodeURIComponent(pluginId)}`, jsonBody(submission));
  }

  setPluginVersionStatus(
    pluginId: string,
    version: string,
    status: 'ACTIVE' | 'DEPRECATED',
  ): Promise<PluginVersionView> {
    return this.request(
      'POST',
      `/v1/plugins/${encodeURIComponent(pluginId)}/versions/${encodeURIComponent(version)}/status`,
      jsonBody({ status }),
    );
  }

  trustPublisherKey(name: string, publicKeyPem: string): Promise<PublisherKeyView> {
    return this.request('POST', '/v1/plugin-keys', jsonBody({ name, publicKeyPem }));
  }

  /** The platform's keys, then the tenant's, revoked ones too. */
  async publisherKeys(): Promise<PublisherKeyView[]> {
    return (await this.request<{ items: PublisherKeyView[] }>('GET', '/v1/plugin-keys')).items;
  }

  runUrl(runId: string): string {
    return `${this.baseUrl}/v1/runs/${runId}`;
  }

  private async request<T>(
    method: string,
    path: string,
    body?: { text: string; contentType: string; headers?: Record<string, string> },
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(body ? { 'content-type': body.contentType, ...body.headers } : {}),
        },
        ...(body ? { body: body.text } : {}),
      });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
      const reason = cause instanceof Error && 'code' in cause ? String(cause.code) : String(cause);
      throw new ApiUnreachableError(this.baseUrl, reason);
    }
    const text = await response.text();
    const parsed: unknown = text ? safeJson(text) : undefined;
    if (!response.ok) throw toApiError(response.status, parsed);
    return parsed as T;
  }
}

function jsonBody(value: unknown): { text: string; contentType: string } {
  return { text: JSON.stringify(value), contentType: 'application/json' };
}

function mediaType(format: 'yaml' | 'json'): string {
  return format === 'json' ? 'application/json' : 'application/yaml';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toApiError(status: number, body: unknown): ApiRequestError {
  const error = typeof body === 'object' && body !== null && 'error' in body ? body.error : undefined;
  if (typeof error !== 'object' || error === null) {
    return new ApiRequestError(status, 'http_error', `HTTP ${status}`);
  }
  const { code, message, details } = error as {
    code?: unknown;
    message?: unknown;
    details?: { problems?: unknown };
  };
  const problems = Array.isArray(details?.problems) ? (details.problems as Problem[]) : [];
  return new ApiRequestError(
    status,
    String(code ?? 'http_error'),
    String(message ?? `HTTP ${status}`),
    problems,
  );
}
