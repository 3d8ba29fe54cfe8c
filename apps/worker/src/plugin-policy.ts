/**
 * The tenant's plugin policy applied to what a manifest declares: a plugin reaches at most the
 * hosts both allow, and a credential is sent at most to the hosts its slot and the tenant allow.
 */
import type { PluginCredentialSlot } from '@warden/engine';
import type { TenantPluginPolicy } from '@warden/persistence';

/** What the manifest asks for, network-wise. */
export interface DeclaredNetwork {
  hosts: readonly string[];
  credentialSlots: readonly PluginCredentialSlot[];
}

export interface GrantedNetwork {
  allowedHosts: string[];
  credentialSlots: PluginCredentialSlot[];
}

// The broker treats `name` and `name:443` as the same host, so the intersection must too.
function hostKey(host: string): string {
  return host.endsWith(':443') ? host.slice(0, -':443'.length) : host;
}

function restrict(hosts: readonly string[], tenantKeys: ReadonlySet<string> | null): string[] {
  return tenantKeys === null ? [...hosts] : hosts.filter((host) => tenantKeys.has(hostKey(host)));
}

/**
 * The manifest's hosts intersected with the tenant's (when the tenant lists any). A slot left with
 * no host stays declared, so a step that binds it still loads, but its credential goes nowhere.
 */
export function grantedNetwork(declared: DeclaredNetwork, policy: TenantPluginPolicy): GrantedNetwork {
  const tenantKeys = policy.allowedHosts === null ? null : new Set(policy.allowedHosts.map(hostKey));
  return {
    allowedHosts: restrict(declared.hosts, tenantKeys),
    credentialSlots: declared.credentialSlots.map((slot) => ({
      ...slot,
      hosts: restrict(slot.hosts, tenantKeys),
    })),
  };
}
