import { SandboxFailure, type CredentialResolver, type CredentialUse } from '../contract';
import { prepareCredential } from './credentials';
import { aBinding, aBrokerContext } from './testing';

describe('prepareCredential and the resolver', () => {
  const context = aBrokerContext({
    runId: 'run-7',
    stepId: 'call-api',
    capabilities: { credentials: [aBinding()] },
  });

  it('tells the resolver which plugin, run and step use the credential (for its audit)', async () => {
    const uses: CredentialUse[] = [];
    const resolver: CredentialResolver = {
      resolve: async (_tenant, _name, use) => {
        if (use) uses.push(use);
        return { token: 'tok-123456' };
      },
    };
    await prepareCredential('api', 'api.example.com', context, resolver);
    expect(uses).toEqual([{ pluginId: 'acme/http', runId: 'run-7', stepId: 'call-api' }]);
  });

  it("passes the resolver's own refusal to the step, and hides any other error", async () => {
    const refusing: CredentialResolver = {
      resolve: () => Promise.reject(new SandboxFailure('capability-denied', 'credential "x" does not exist')),
    };
    await expect(prepareCredential('api', 'api.example.com', context, refusing)).rejects.toThrow(
      'credential "x" does not exist',
    );
    const broken: CredentialResolver = {
      resolve: () => Promise.reject(new Error('connection to 10.1.2.3:5432 refused')),
    };
    await expect(prepareCredential('api', 'api.example.com', context, broken)).rejects.toThrow(
      'fetch refused: the credential bound to slot "api" could not be resolved',
    );
  });
});
