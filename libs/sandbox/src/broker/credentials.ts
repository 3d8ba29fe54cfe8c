import {
  SandboxFailure,
  type BrokerContext,
  type CredentialBinding,
  type CredentialResolver,
  type CredentialValue,
} from '../contract';
import { denied } from './denied';
import { isBrokerOwnedHeader, isValidHeaderName, isValidHeaderValue } from './headers';
import { hostKeys } from './target';

/**
 * A credential store in memory, keyed by tenant then credential name: for tests and local
 * development. Production resolves through the vault.
 */
export class InMemoryCredentialResolver implements CredentialResolver {
  private readonly byTenant = new Map<string, Map<string, CredentialValue>>();

  constructor(entries: Record<string, Record<string, CredentialValue>> = {}) {
    for (const [tenantId, credentials] of Object.entries(entries)) {
      for (const [name, value] of Object.entries(credentials)) this.set(tenantId, name, value);
    }
  }

  set(tenantId: string, credentialName: string, value: CredentialValue): this {
    const credentials = this.byTenant.get(tenantId) ?? new Map<string, CredentialValue>();
    credentials.set(credentialName, { ...value });
    this.byTenant.set(tenantId, credentials);
    return this;
  }

  async resolve(tenantId: string, credentialName: string): Promise<CredentialValue> {
    const value = this.byTenant.get(tenantId)?.get(credentialName);
    if (!value) throw new Error(`credential ${credentialName} of tenant ${tenantId} not found`);
    return { ...value };
  }
}

/** A credential ready to be sent: the header it sets and the hosts it may be sent to. */
export interface PreparedCredential {
  slot: string;
  headerName: string;
  headerValue: string;
  hosts: ReadonlySet<string>;
  /** The values the response must be masked for. */
  secrets: readonly string[];
}

/** Finds the slot's binding, checks the first host, resolves the value on the host and remembers it. */
export async function prepareCredential(
  slot: string,
  firstHostKey: string,
  context: BrokerContext,
  resolver: CredentialResolver | undefined,
): Promise<PreparedCredential> {
  const binding = context.capabilities.credentials.find((b) => b.slot === slot);
  if (!binding) throw denied(`fetch refused: credential slot "${slot}" is not bound for this step`);
  const hosts = hostKeys(binding.hosts);
  if (!hosts.has(firstHostKey)) {
    throw denied(`fetch refused: credential slot "${slot}" may not be sent to ${firstHostKey}`);
  }
  if (!resolver) throw denied('fetch refused: no credential resolver is configured on this host');
  let value: CredentialValue;
  try {
    const use = { pluginId: context.pluginId, runId: context.runId, stepId: context.stepId };
    value = await resolver.resolve(context.tenantId, binding.credential, use);
  } catch (error) {
    // A refusal the resolver worded for the step passes; other messages may name vault internals.
    if (error instanceof SandboxFailure && error.kind === 'capability-denied') throw error;
    throw denied(`fetch refused: the credential bound to slot "${slot}" could not be resolved`);
  }
  const headerName = injectedHeaderName(binding);
  if (!isValidHeaderName(headerName) || isBrokerOwnedHeader(headerName)) {
    throw denied(
      `fetch refused: credential slot "${slot}" injects a header the broker may not set (${headerName})`,
    );
  }
  const { headerValue, secrets } = injection(binding, value);
  for (const secret of secrets) context.rememberSecret(secret);
  if (!isValidHeaderValue(headerValue)) {
    throw denied(
      `fetch refused: the credential bound to slot "${slot}" has characters not allowed in a header`,
    );
  }
  return { slot, headerName, headerValue, hosts, secrets };
}

/** Lower-case name of the header a binding sets; plugin-set headers of that name are dropped. */
export function injectedHeaderName(binding: CredentialBinding): string {
  return binding.inject.kind === 'header' ? binding.inject.name.toLowerCase() : 'authorization';
}

function injection(
  binding: CredentialBinding,
  value: CredentialValue,
): { headerValue: string; secrets: string[] } {
  const missing = (field: string) =>
    denied(`fetch refused: the credential bound to slot "${binding.slot}" has no ${field}`);
  switch (binding.inject.kind) {
    case 'bearer':
      if (!value.token) throw missing('token');
      return { headerValue: `Bearer ${value.token}`, secrets: [value.token] };
    case 'header':
      if (!value.token) throw missing('token');
      return { headerValue: value.token, secrets: [value.token] };
    case 'basic': {
      if (value.username === undefined || !value.password) throw missing('username and password');
      const pair = `${value.username}:${value.password}`;
      // The pair covers the header's base64 form through maskSecrets' encodings.
      return {
        headerValue: `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`,
        secrets: [value.password, pair],
      };
    }
  }
}
