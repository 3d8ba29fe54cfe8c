import {
  describeTemporalCli,
  TEMPORAL_CLI_VERSION,
  temporalCliCachePath,
  wardenCacheDir,
} from './temporal-cli';

describe('Warden cache location', () => {
  it('prefers WARDEN_CACHE_DIR over XDG_CACHE_HOME and HOME', () => {
    expect(wardenCacheDir({ WARDEN_CACHE_DIR: '/opt/wc', XDG_CACHE_HOME: '/xdg', HOME: '/home/ada' })).toBe(
      '/opt/wc',
    );
  });

  it('uses XDG_CACHE_HOME/warden when WARDEN_CACHE_DIR is unset', () => {
    expect(wardenCacheDir({ XDG_CACHE_HOME: '/xdg', HOME: '/home/ada' })).toBe('/xdg/warden');
  });

  it('falls back to ~/.cache/warden', () => {
    expect(wardenCacheDir({ HOME: '/home/ada' })).toBe('/home/ada/.cache/warden');
  });

  it('keeps the CLI under a folder named after the pinned version', () => {
    expect(TEMPORAL_CLI_VERSION).toBe('v1.5.1');
    expect(temporalCliCachePath({ HOME: '/home/ada' })).toBe(
      '/home/ada/.cache/warden/temporal-cli/v1.5.1/temporal',
    );
  });
});

describe('describeTemporalCli', () => {
  it('names where the binary came from', () => {
    expect(describeTemporalCli({ path: '/bin/temporal', source: 'path' })).toBe(
      '/bin/temporal (found on PATH)',
    );
    expect(describeTemporalCli({ path: '/c/temporal', source: 'go-install' })).toContain('go install');
    expect(describeTemporalCli({ source: 'sdk-download' })).toContain('internet');
  });
});
