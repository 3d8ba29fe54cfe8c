import { maskPatterns } from './patterns';

const mask = (text: string): string => maskPatterns(text, '***');
const jwt = [
  Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url'),
  Buffer.from('{"sub":"1234567890","name":"Ada"}').toString('base64url'),
  'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
].join('.');

describe('well-known secret shapes', () => {
  it.each([
    ['Authorization: Bearer abc.def-ghi_jkl', 'Authorization: Bearer ***'],
    ['authorization: "Basic dXNlcjpwYXNz"', 'authorization: "Basic ***"'],
    [`sent Basic ${Buffer.from('robot:pa55').toString('base64')} to it`, 'sent Basic *** to it'],
    ['key AKIAIOSFODNN7EXAMPLE here', 'key *** here'],
    ['aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"', 'aws_secret_access_key = "***"'],
    [`gh ghp_${'a'.repeat(36)} x`, 'gh *** x'],
    [`github_pat_${'B'.repeat(30)}`, '***'],
    [`api key wdn_${'Z9'.repeat(21)}a.`, 'api key ***.'],
    [`refresh wdr_${'a-_'.repeat(14)}b!`, 'refresh ***!'],
    ['k=-----BEGIN RSA PRIVATE KEY-----\nMIIE\nabc\n-----END RSA PRIVATE KEY----- done', 'k=*** done'],
    ['cut -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg', 'cut ***'],
    [`token ${jwt} end`, 'token *** end'],
    [`cookie=x; ${jwt}`, 'cookie=x; ***'],
    [`unsigned ${jwt.split('.').slice(0, 2).join('.')}. done`, 'unsigned *** done'],
    ['postgres://warden:hunter2@db:5432/warden', 'postgres://warden:***@db:5432/warden'],
    ['GET /cb?code=1&password=hunter2&next=/', 'GET /cb?code=1&password=***&next=/'],
    [
      'db_password=hunter2 access_token=abc123 client_secret=x',
      'db_password=*** access_token=*** client_secret=***',
    ],
    [
      '{"clientSecret": "a\\"b", "apiKey":"k", "name": "n"}',
      '{"clientSecret": "***", "apiKey":"***", "name": "n"}',
    ],
  ])('masks %j', (text, expected) => {
    expect(mask(text)).toBe(expected);
  });

  it.each([
    'Basic authentication failed for user ada',
    'status=200 took=12ms user=ada',
    '{"name": "token-rotation", "tokenUrl": "https://auth.example.com/token"}',
    'https://api.example.com:8443/v1/items?page=2',
    'eyJust a word. eyJ.eyJ.eyJ',
    'AKIA-not-a-key and ghp_short',
  ])('leaves %j alone', (text) => {
    expect(mask(text)).toBe(text);
  });

  it('keeps the label and replaces only the secret, with any marker', () => {
    expect(maskPatterns('Bearer abc password=x', '[REDACTED]')).toBe('Bearer [REDACTED] password=[REDACTED]');
    expect(maskPatterns('cost $1 Bearer abc', '$&')).toBe('cost $1 Bearer $&');
  });
});

describe('linear time on hostile text', () => {
  const n = 200_000;
  // Each input makes a backtracking pattern restart at every position: quadratic, that is
  // minutes at this size. Linear scans take milliseconds; the bound leaves room for a busy machine.
  it.each([
    ['JWT-like runs with dashes', 'eyJ-'.repeat(n / 4)],
    ['JWT-like runs with dots', 'eyJhbGciOiJIUzI1.'.repeat(n / 17)],
    ['a bearer with endless spaces', `Bearer ${' '.repeat(n)}`],
    ['many bearers', 'Bearer '.repeat(n / 7)],
    ['private key headers without an end', '-----BEGIN RSA PRIVATE KEY-----'.repeat(n / 31)],
    ['a key header name that never ends', `-----BEGIN ${'A'.repeat(n)}`],
    ['user info without an @', `://${'a:'.repeat(n / 2)}`],
    ['an unterminated JSON string of escaped quotes', `"password":"${'\\"'.repeat(n / 2)}`],
    ['only quotes', '"'.repeat(n)],
    ['secret names without values', 'password='.repeat(n / 9)],
    ['JSON keys that are not secret', '"monkey": "'.repeat(n / 11)],
    ['a long name before a secret word', `${'a'.repeat(n)}token=x`],
    ['a word without =', 'a'.repeat(n)],
    ['a basic credential followed by padding', `Basic ${'A'.repeat(n)}===`],
    ['a token-like word without its end', `ghp_${'a'.repeat(n)}_`],
  ])('%s', (_name, text) => {
    const started = performance.now();
    mask(text);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
