import { SandboxFailure } from '../contract';
import { checkTarget, hostKeys } from './target';

const allowed = hostKeys(['api.example.com', 'Intranet.Example.:8443']);

function refusal(url: string): string {
  try {
    checkTarget(url, allowed);
  } catch (error) {
    expect(error).toBeInstanceOf(SandboxFailure);
    expect((error as SandboxFailure).kind).toBe('capability-denied');
    return (error as SandboxFailure).message;
  }
  throw new Error(`${url} was not refused`);
}

describe('fetch target checks', () => {
  it.each([
    'http://api.example.com/',
    'ftp://api.example.com/',
    'file:///etc/passwd',
    'ws://api.example.com/',
  ])('refuses the non-https URL %s', (url) => {
    expect(refusal(url)).toMatch(/only https URLs are allowed/);
  });

  it.each([
    'https://allowed@evil.example/',
    'https://api.example.com@evil.example/',
    'https://user:pass@api.example.com/',
  ])('refuses user information in %s', (url) => {
    expect(refusal(url)).toMatch(/user information/);
  });

  it.each([
    ['https://127.0.0.1/', '127.0.0.1'],
    ['https://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['https://2130706433/', '127.0.0.1'],
    ['https://0x7f000001/', '127.0.0.1'],
    ['https://0177.0.0.1/', '127.0.0.1'],
    ['https://127.1/', '127.0.0.1'],
    ['https://[::1]/', '[::1]'],
    ['https://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
  ])('refuses the IP literal %s', (url, host) => {
    expect(refusal(url)).toBe(`fetch refused: IP address hosts are not allowed (${host})`);
  });

  it.each([
    ['https://evil.example/', 'evil.example'],
    ['https://sub.api.example.com/', 'sub.api.example.com'],
    ['https://api.example.com.evil.example/', 'api.example.com.evil.example'],
    ['https://api.example.com:8443/', 'api.example.com:8443'],
    ['https://intranet.example/', 'intranet.example'],
  ])('refuses %s, not in the allowlist', (url, key) => {
    expect(refusal(url)).toBe(`fetch refused: host ${key} is not in the plugin's allowed hosts`);
  });

  it('refuses what is not a URL', () => {
    expect(refusal('not a url')).toMatch(/is not a valid URL/);
  });

  it('matches hosts case-insensitively, without a trailing dot, with the default port or a named one', () => {
    const target = checkTarget('https://API.Example.COM./v1/items?x=1', allowed);
    expect(target.hostname).toBe('api.example.com');
    expect(target.port).toBe(443);
    expect(target.url.href).toBe('https://api.example.com/v1/items?x=1');
    expect(checkTarget('https://api.example.com:443/', allowed).hostKey).toBe('api.example.com');
    expect(checkTarget('https://intranet.example:8443/', allowed).hostKey).toBe('intranet.example:8443');
  });

  it('ignores allowlist entries that are not plain host names', () => {
    expect([
      ...hostKeys(['127.0.0.1', '[::1]', 'https://x.example', 'a.example/path', 'u@b.example', '']),
    ]).toEqual([]);
  });
});
