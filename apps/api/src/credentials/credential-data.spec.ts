import type { CredentialType } from '@warden/persistence';
import { checkCredentialData } from './credential-data';
import { VaultError } from './credentials.errors';

const SECRET = 's3cr3t-unit-marker';

function problemsOf(type: CredentialType, data: unknown): { code?: string; path: string }[] {
  try {
    checkCredentialData(type, data);
  } catch (err) {
    expect(err).toBeInstanceOf(VaultError);
    const error = err as VaultError;
    expect(error.code).toBe('credential_data_invalid');
    // Secrets never come back in an error, whatever was wrong with them.
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(SECRET);
    return (error.details?.problems as { code?: string; path: string }[]).map(({ code, path }) => ({
      code,
      path,
    }));
  }
  throw new Error('expected the data to be refused');
}

describe('checkCredentialData', () => {
  it.each<[CredentialType, Record<string, unknown>, string[]]>([
    ['api-key', { key: SECRET }, ['key']],
    ['api-key', { key: SECRET, header: 'X-Api-Key' }, ['header', 'key']],
    ['basic', { username: 'svc', password: SECRET }, ['password', 'username']],
    ['bearer', { token: SECRET }, ['token']],
    [
      'oauth2-client',
      {
        clientId: 'id',
        clientSecret: SECRET,
        tokenUrl: 'https://auth.example.com/token',
        scopes: ['a', 'b'],
      },
      ['clientId', 'clientSecret', 'scopes', 'tokenUrl'],
    ],
    ['custom', { API_TOKEN: SECRET, region: 'eu' }, ['API_TOKEN', 'region']],
  ])('accepts a %s credential and names its fields', (type, data, fieldNames) => {
    const checked = checkCredentialData(type, data);
    expect(checked.fieldNames).toEqual(fieldNames);
    expect(JSON.parse(checked.json)).toEqual(data);
  });

  it.each<[CredentialType, unknown, { code: string; path: string }[]]>([
    ['bearer', {}, [{ code: 'missing_field', path: 'data.token' }]],
    ['bearer', { token: '' }, [{ code: 'invalid_value', path: 'data.token' }]],
    ['bearer', { token: 42 }, [{ code: 'wrong_type', path: 'data.token' }]],
    ['bearer', { token: SECRET, extra: SECRET }, [{ code: 'unknown_field', path: 'data.extra' }]],
    ['basic', { username: SECRET }, [{ code: 'missing_field', path: 'data.password' }]],
    ['api-key', { key: SECRET, header: 'Bad Header' }, [{ code: 'invalid_value', path: 'data.header' }]],
    [
      'oauth2-client',
      { clientId: 'id', clientSecret: SECRET, tokenUrl: 'ftp://x', scopes: ['ok', 'has space'] },
      [
        { code: 'invalid_value', path: 'data.tokenUrl' },
        { code: 'invalid_value', path: 'data.scopes[1]' },
      ],
    ],
    [
      'oauth2-client',
      { clientId: 'id', clientSecret: SECRET, tokenUrl: 'http://auth.example.com/token' },
      [{ code: 'invalid_value', path: 'data.tokenUrl' }],
    ],
    ['custom', {}, [{ code: 'invalid_value', path: 'data' }]],
    ['custom', { 'bad name': SECRET }, [{ code: 'invalid_field_name', path: 'data.bad name' }]],
    ['custom', { nested: { value: SECRET } }, [{ code: 'wrong_type', path: 'data.nested' }]],
    ['bearer', [SECRET], [{ code: 'wrong_type', path: 'data' }]],
    ['bearer', SECRET, [{ code: 'wrong_type', path: 'data' }]],
  ])('refuses bad %s data with a code and path per problem', (type, data, expected) => {
    expect(problemsOf(type, data)).toEqual(expected);
  });

  it('caps the size of a value', () => {
    expect(problemsOf('bearer', { token: 'x'.repeat(16_385) })).toEqual([
      { code: 'invalid_value', path: 'data.token' },
    ]);
  });
});
