import {
  SandboxFailure,
  type BrokerContext,
  type CapabilityBroker,
  type SandboxFetchRequest,
  type SandboxJob,
  type SandboxLimits,
} from '../contract';
import { parseFetchRequest } from './fetch-request';

/** What the ctx.fetch calls of one invocation share on the host. */
export interface FetchLedger {
  job: SandboxJob;
  limits: SandboxLimits;
  broker: CapabilityBroker;
  fetches: number;
  capabilities: Set<string>;
  secrets: Set<string>;
  /** Message of the last capability refusal. */
  denied?: string;
  /** Created on the first ctx.fetch only: most invocations never need one. */
  fetchAbort?: AbortController;
}

/**
 * Serves one ctx.fetch the isolate asked for: counted against the invocation's cap, its text
 * parsed into the host's own copy, handed to the broker; `reply` gets the response or the error
 * the plugin sees (`CapabilityDenied` for a refusal, whose message the ledger keeps).
 */
export function relayFetch(
  ledger: FetchLedger,
  requestText: string,
  reply: (ok: boolean, body: unknown) => void,
): void {
  const refuse = (message: string): void => {
    ledger.denied = message;
    reply(false, { name: 'CapabilityDenied', message });
  };
  if (++ledger.fetches > ledger.limits.maxFetches) {
    refuse(`more than ${ledger.limits.maxFetches} fetches in one invocation`);
    return;
  }
  let request: SandboxFetchRequest;
  try {
    request = parseFetchRequest(requestText);
  } catch (error) {
    reply(false, { name: 'TypeError', message: (error as Error).message });
    return;
  }
  ledger.fetchAbort ??= new AbortController();
  const context: BrokerContext = {
    tenantId: ledger.job.tenantId,
    pluginId: ledger.job.plugin.id,
    runId: ledger.job.runId,
    stepId: ledger.job.stepId,
    capabilities: ledger.job.capabilities,
    signal: ledger.fetchAbort.signal,
    recordUse: (capability) => ledger.capabilities.add(capability),
    rememberSecret: (value) => ledger.secrets.add(value),
  };
  ledger.broker.fetch(request, context).then(
    (response) =>
      reply(true, {
        status: response.status,
        headers: response.headers,
        body: response.body,
        truncated: response.truncated,
      }),
    (error: unknown) => {
      if (error instanceof SandboxFailure && error.kind === 'capability-denied') refuse(error.message);
      else
        reply(false, {
          name: 'FetchError',
          message: error instanceof Error ? error.message : 'fetch failed',
        });
    },
  );
}
