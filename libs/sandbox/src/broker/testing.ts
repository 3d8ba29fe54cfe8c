import type { BrokerContext, CredentialBinding, SandboxCapabilities } from '../contract';

/** A BrokerContext that records what the broker reports, for tests. */
export interface RecordingContext extends BrokerContext {
  uses: string[];
  secrets: string[];
}

export function aBrokerContext(
  overrides: Partial<Omit<BrokerContext, 'capabilities'>> & {
    capabilities?: Partial<SandboxCapabilities>;
  } = {},
): RecordingContext {
  const uses: string[] = [];
  const secrets: string[] = [];
  return {
    tenantId: 'tenant-a',
    pluginId: 'acme/http',
    signal: new AbortController().signal,
    ...overrides,
    capabilities: { allowedHosts: ['api.example.com'], credentials: [], ...overrides.capabilities },
    recordUse: (capability) => uses.push(capability),
    rememberSecret: (value) => secrets.push(value),
    uses,
    secrets,
  };
}

export function aBinding(overrides: Partial<CredentialBinding> = {}): CredentialBinding {
  return {
    slot: 'api',
    credential: 'api-token',
    hosts: ['api.example.com'],
    inject: { kind: 'bearer' },
    ...overrides,
  };
}
