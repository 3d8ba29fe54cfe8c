import type { PluginCredentialSlot } from '@warden/engine';
import { DEFAULT_TENANT_PLUGIN_POLICY, type TenantPluginPolicy } from '@warden/persistence';
import { grantedNetwork, type DeclaredNetwork } from './plugin-policy';

function aSlot(name: string, hosts: string[]): PluginCredentialSlot {
  return { name, hosts, inject: { kind: 'bearer' } };
}

function aDeclaration(overrides: Partial<DeclaredNetwork> = {}): DeclaredNetwork {
  return {
    hosts: ['a.example.com', 'b.example.com'],
    credentialSlots: [aSlot('api', ['a.example.com', 'b.example.com'])],
    ...overrides,
  };
}

const allowing = (allowedHosts: string[] | null): TenantPluginPolicy => ({
  ...DEFAULT_TENANT_PLUGIN_POLICY,
  allowedHosts,
});

describe('grantedNetwork', () => {
  it("keeps only the manifest's hosts the tenant allows, for the plugin and each credential slot", () => {
    const granted = grantedNetwork(aDeclaration(), allowing(['b.example.com', 'c.example.com']));
    expect(granted.allowedHosts).toEqual(['b.example.com']);
    expect(granted.credentialSlots).toEqual([aSlot('api', ['b.example.com'])]);
  });

  it('grants what the manifest declares when the tenant lists no hosts (null)', () => {
    const granted = grantedNetwork(aDeclaration(), allowing(null));
    expect(granted).toEqual({
      allowedHosts: ['a.example.com', 'b.example.com'],
      credentialSlots: [aSlot('api', ['a.example.com', 'b.example.com'])],
    });
  });

  it('grants no network at all when the tenant allows no host ([]), keeping the slots declared', () => {
    const granted = grantedNetwork(aDeclaration(), allowing([]));
    expect(granted).toEqual({ allowedHosts: [], credentialSlots: [aSlot('api', [])] });
  });

  it('matches a port only as the broker does: :443 is the default, any other port must be listed', () => {
    const declared = aDeclaration({
      hosts: ['a.example.com:443', 'b.example.com:8443', 'c.example.com'],
      credentialSlots: [],
    });
    expect(
      grantedNetwork(declared, allowing(['a.example.com', 'b.example.com', 'c.example.com:443']))
        .allowedHosts,
    ).toEqual(['a.example.com:443', 'c.example.com']);
    expect(grantedNetwork(declared, allowing(['b.example.com:8443'])).allowedHosts).toEqual([
      'b.example.com:8443',
    ]);
  });

  it('does not change the declaration it was given', () => {
    const declared = aDeclaration();
    grantedNetwork(declared, allowing([]));
    expect(declared).toEqual(aDeclaration());
  });
});
