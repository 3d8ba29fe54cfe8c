import { DEFAULT_IDENTITY_CONFIG, resolveIdentityConfig } from './config';
import { IdentityError } from './errors';

describe('resolveIdentityConfig', () => {
  it('defaults to the documented values', () => {
    expect(resolveIdentityConfig()).toEqual(DEFAULT_IDENTITY_CONFIG);
    expect(DEFAULT_IDENTITY_CONFIG).toMatchObject({
      issuer: 'warden',
      audience: 'warden-api',
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 14 * 86400,
      refreshFamilyLifetimeSeconds: 30 * 86400,
      lockout: { maxFailures: 5, windowSeconds: 900, lockSeconds: 900 },
    });
  });

  it('merges overrides, including part of the lockout policy', () => {
    const config = resolveIdentityConfig({ issuer: 'https://auth.example', lockout: { maxFailures: 3 } });
    expect(config.issuer).toBe('https://auth.example');
    expect(config.lockout).toEqual({ maxFailures: 3, windowSeconds: 900, lockSeconds: 900 });
  });

  it.each([
    [{ issuer: ' ' }, 'issuer'],
    [{ accessTokenTtlSeconds: 0 }, 'accessTokenTtlSeconds'],
    [{ clockToleranceSeconds: -1 }, 'clockToleranceSeconds'],
    [{ refreshTokenTtlSeconds: 1.5 }, 'refreshTokenTtlSeconds'],
    [{ lockout: { lockSeconds: Number.NaN } }, 'lockout.lockSeconds'],
    [{ refreshTokenTtlSeconds: 40 * 86400 }, 'refreshTokenTtlSeconds'],
  ])('fails fast on %p naming %s', (input, field) => {
    try {
      resolveIdentityConfig(input);
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toBeInstanceOf(IdentityError);
      expect((err as IdentityError).code).toBe('invalid_config');
      expect((err as IdentityError).details).toEqual({ field });
      expect((err as IdentityError).message).toContain(field);
    }
  });
});
