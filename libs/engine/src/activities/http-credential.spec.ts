import { ApplicationFailure } from '@temporalio/common';
import {
  assertNoHeaderConflict,
  basicAuthorization,
  credentialAuth,
  DEFAULT_API_KEY_HEADER,
  oauth2Secrets,
} from './http-credential';
import { ACTIVITY_ERROR_TYPES } from '../activity-contract';

function failureOf(fn: () => unknown): ApplicationFailure {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApplicationFailure) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('the header an http step credential sets', () => {
  it('bearer: Authorization: Bearer <token>, the token masked', () => {
    expect(credentialAuth('ci', { type: 'bearer', data: { token: 'tok-123' } })).toEqual({
      name: 'Authorization',
      value: 'Bearer tok-123',
      secrets: ['tok-123'],
    });
  });

  it('basic: base64 of user:password (RFC 7617), the password and the pair masked', () => {
    const auth = credentialAuth('ci', { type: 'basic', data: { username: 'alice', password: 'pä:ss' } });
    expect(auth).toEqual({
      name: 'Authorization',
      value: `Basic ${Buffer.from('alice:pä:ss', 'utf8').toString('base64')}`,
      secrets: ['pä:ss', 'alice:pä:ss'],
    });
    expect(basicAuthorization('Aladdin', 'open sesame')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
  });

  it("api-key: the credential's header, X-API-Key by default", () => {
    expect(credentialAuth('k', { type: 'api-key', data: { key: 'key-1', header: 'X-Token' } })).toEqual({
      name: 'X-Token',
      value: 'key-1',
      secrets: ['key-1'],
    });
    expect(credentialAuth('k', { type: 'api-key', data: { key: 'key-1' } })).toMatchObject({
      name: DEFAULT_API_KEY_HEADER,
    });
  });

  it('oauth2-client: the client to ask for a token, its secret masked', () => {
    const client = credentialAuth('o', {
      type: 'oauth2-client',
      data: {
        clientId: 'app',
        clientSecret: 'shh-1',
        tokenUrl: 'https://id.example/token',
        scopes: ['a', 'b'],
      },
    });
    expect(client).toEqual({
      tokenUrl: 'https://id.example/token',
      clientId: 'app',
      clientSecret: 'shh-1',
      scopes: ['a', 'b'],
    });
    if ('name' in client) throw new Error('expected an OAuth2 client');
    expect(oauth2Secrets(client)).toEqual(['shh-1', 'app:shh-1']);
  });

  it('custom is refused with its own code, and a missing field is named', () => {
    const custom = failureOf(() => credentialAuth('c', { type: 'custom', data: { token: 'x' } }));
    expect(custom.type).toBe(ACTIVITY_ERROR_TYPES.credentialUnsupported);
    expect(custom.nonRetryable).toBe(true);
    const missing = failureOf(() => credentialAuth('b', { type: 'bearer', data: {} }));
    expect(missing.type).toBe(ACTIVITY_ERROR_TYPES.credentialUnsupported);
    expect(missing.message).toContain("no 'token'");
  });

  it('a header the step sets itself is never overridden (any case)', () => {
    const conflict = failureOf(() => assertNoHeaderConflict('ci', 'Authorization', { authorization: 'x' }));
    expect(conflict.type).toBe(ACTIVITY_ERROR_TYPES.credentialHeaderConflict);
    expect(() => assertNoHeaderConflict('ci', 'X-API-Key', { Accept: 'json' })).not.toThrow();
  });
});
