import { credentialValue, secretValues } from './vault-credentials';

describe('what a vault credential gives the broker', () => {
  it.each([
    ['api-key', { key: 'k-1', header: 'X-Api-Key' }, { token: 'k-1' }, ['k-1']],
    ['bearer', { token: 't-1' }, { token: 't-1' }, ['t-1']],
    ['basic', { username: 'u', password: 'p-1' }, { username: 'u', password: 'p-1' }, ['p-1', 'u:p-1']],
    [
      'oauth2-client',
      { clientId: 'c', clientSecret: 's-1', tokenUrl: 'https://a.example/token', scopes: ['x'] },
      { username: 'c', password: 's-1' },
      ['s-1', 'c:s-1'],
    ],
    [
      'custom',
      { token: 't-2', region: 'eu-west-1' },
      { token: 't-2', username: undefined, password: undefined },
      ['t-2', 'eu-west-1'],
    ],
  ] as const)('%s: the injected value, and every value logs must not show', (type, data, value, secrets) => {
    const given = credentialValue(type, data);
    expect(given).toEqual(value);
    expect(secretValues(type, data, given)).toEqual(secrets);
  });

  it('offers nothing it does not have: the broker then refuses the slot by name', () => {
    expect(credentialValue('bearer', {})).toEqual({ token: undefined });
    expect(credentialValue('custom', { key: 'k-2', user: 'x' })).toEqual({
      token: 'k-2',
      username: undefined,
      password: undefined,
    });
  });
});
