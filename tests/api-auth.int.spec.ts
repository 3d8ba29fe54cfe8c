/**
 * Sign-in, lockout, MFA, refresh-token rotation and sign-out over real HTTP, against the real
 * database (audit rows are read back from the tenant's chain).
 */
import { randomUUID } from 'node:crypto';
import { hashPassword, totpCodeAt, totpStep } from '@warden/identity';
import { AuditEventEntity, withTenant } from '@warden/persistence';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { startApiHarness, type ApiHarness, type TestTenant, type TestUser } from './api-harness';

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
interface LoginBody {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: string;
  mfaEnrollmentRequired: boolean;
}
interface MeBody {
  kind: string;
  userId: string;
  tenant: { id: string; slug: string };
  roles: string[];
  permissions: string[];
  mfaEnabled: boolean;
}

const PASSWORD = 'correct horse battery staple';

/** A six-digit code that no step near `step` produces. */
function aWrongCode(secret: string, step: number): string {
  const near = [-2, -1, 0, 1, 2, 3].map((offset) => totpCodeAt(secret, step + offset));
  return ['000000', '111111', '222222'].find((code) => !near.includes(code))!;
}

describe('API: sign-in, MFA, refresh and sign-out', () => {
  let api: ApiHarness;
  let passwordHash: string;

  /** A user of `tenant` (default: the harness tenant) who can sign in with PASSWORD. */
  async function aUser(roles: string[], tenant?: TestTenant): Promise<TestUser & { email: string }> {
    const email = `person-${randomUUID().slice(0, 8)}@example.test`;
    const user = await api.createUser(roles, { email, passwordHash, ...(tenant ? { tenant } : {}) });
    return { ...user, email };
  }

  function login(tenant: TestTenant, email: string, extra: Record<string, string> = {}, password = PASSWORD) {
    return api.call<LoginBody & ErrorBody>('POST', '/v1/auth/login', {
      token: null,
      json: { tenant: tenant.slug, email, password, ...extra },
    });
  }

  async function rawMfaSecret(userId: string): Promise<string | null> {
    const owner = new Client({ connectionString: process.env.DATABASE_URL });
    await owner.connect();
    try {
      const { rows } = await owner.query<{ mfa_secret: string | null }>(
        'SELECT mfa_secret FROM users WHERE id = $1',
        [userId],
      );
      return rows[0]?.mfa_secret ?? null;
    } finally {
      await owner.end();
    }
  }

  async function auditOf(tenant: TestTenant, action: string): Promise<AuditEventEntity[]> {
    return withTenant(api.app.get(DataSource), { tenantId: tenant.id }, (tx) =>
      tx.manager.find(AuditEventEntity, { where: { tenantId: tenant.id, action }, order: { seq: 'ASC' } }),
    );
  }

  beforeAll(async () => {
    api = await startApiHarness();
    passwordHash = await hashPassword(PASSWORD);
  });
  afterAll(async () => {
    await api.close();
  });

  it('signs in, and the access token answers /v1/auth/me', async () => {
    const user = await aUser(['developer']);
    const signedIn = await login(user.tenant, user.email.toUpperCase());
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('cache-control')).toBe('no-store');
    expect(signedIn.body).toMatchObject({ tokenType: 'Bearer', mfaEnrollmentRequired: false });
    expect(signedIn.body.expiresIn).toBeGreaterThan(0);

    const me = await api.call<MeBody>('GET', '/v1/auth/me', { token: signedIn.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      kind: 'user',
      userId: user.userId,
      tenant: { id: user.tenant.id, slug: user.tenant.slug },
      roles: ['developer'],
      mfaEnabled: false,
    });
    expect(me.body.permissions).toContain('workflow:create');
    expect(me.body.permissions).not.toContain('apikey:manage');

    const [success] = (await auditOf(user.tenant, 'auth.login')).filter((e) => e.actorId === user.userId);
    expect(success).toMatchObject({ outcome: 'success', actorType: 'user', targetType: 'session' });
  });

  it('gives the same answer for a wrong password, an unknown email and an unknown tenant', async () => {
    const user = await aUser(['viewer']);
    const wrongPassword = await login(user.tenant, user.email, {}, 'not the password at all');
    const unknownEmail = await login(user.tenant, `nobody-${randomUUID()}@example.test`);
    const unknownTenant = await login(
      { id: randomUUID(), slug: `no-${randomUUID().slice(0, 8)}` },
      user.email,
    );
    for (const answer of [wrongPassword, unknownEmail, unknownTenant]) {
      expect(answer.status).toBe(401);
      expect(answer.body.error).toEqual(wrongPassword.body.error);
    }
    expect(wrongPassword.body.error.code).toBe('invalid_credentials');

    const failures = await auditOf(user.tenant, 'auth.login');
    expect(failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actorId: user.userId,
          outcome: 'failure',
          details: expect.objectContaining({ reason: 'bad_password' }),
        }),
        expect.objectContaining({
          actorType: 'anonymous',
          outcome: 'failure',
          details: expect.objectContaining({ reason: 'unknown_user' }),
        }),
      ]),
    );
  });

  it('locks the account after 5 failures: 429 with Retry-After even for the right password', async () => {
    const user = await aUser(['viewer']);
    for (let attempt = 1; attempt <= 5; attempt++) {
      const failed = await login(user.tenant, user.email, {}, `wrong password ${attempt}`);
      expect(failed.body.error.code).toBe('invalid_credentials');
    }
    const locked = await login(user.tenant, user.email);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('account_locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(60);

    const events = (await auditOf(user.tenant, 'auth.login')).filter((e) => e.actorId === user.userId);
    expect(events.map((e) => e.details.reason)).toEqual([
      'bad_password',
      'bad_password',
      'bad_password',
      'bad_password',
      'bad_password',
      'account_locked',
    ]);
    expect(events[4]!.details).toMatchObject({ failedCount: 5, locked: true });
    expect(events.every((e) => e.outcome === 'failure' && e.sourceIp !== null)).toBe(true);
  });

  it('enrolls TOTP, then sign-in needs a code; a replayed code is refused; a recovery code works once', async () => {
    const user = await aUser(['operator']);
    const token = user.token;

    const enrolled = await api.call<{ secret: string; otpauthUrl: string }>(
      'POST',
      '/v1/auth/mfa/totp/enroll',
      { token },
    );
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    const secret = enrolled.body.secret;
    const step = totpStep(new Date());
    // At rest the secret is ciphertext under the user's own data key, never the base32 text.
    const stored = await rawMfaSecret(user.userId);
    expect(stored).toMatch(/^wdn1\./);
    expect(stored).not.toContain(secret);

    const verified = await api.call<{ mfaEnabled: boolean; recoveryCodes: string[] }>(
      'POST',
      '/v1/auth/mfa/totp/verify',
      {
        token,
        json: { code: totpCodeAt(secret, step) },
      },
    );
    expect(verified.status).toBe(200);
    expect(verified.body.mfaEnabled).toBe(true);
    expect(verified.body.recoveryCodes).toHaveLength(10);

    const withoutCode = await login(user.tenant, user.email);
    expect(withoutCode.status).toBe(401);
    expect(withoutCode.body.error.code).toBe('mfa_required');

    const replayedFromVerify = await login(user.tenant, user.email, { totp: totpCodeAt(secret, step) });
    expect(replayedFromVerify.status).toBe(401);
    expect(replayedFromVerify.body.error.code).toBe('mfa_code_reused');

    // The next step's code is inside the accepted window (one step either side).
    const nextCode = totpCodeAt(secret, step + 1);
    const withCode = await login(user.tenant, user.email, { totp: nextCode });
    expect(withCode.status).toBe(200);
    const replayed = await login(user.tenant, user.email, { totp: nextCode });
    expect(replayed.status).toBe(401);
    expect(replayed.body.error.code).toBe('mfa_code_reused');

    const recoveryCode = verified.body.recoveryCodes[0]!;
    const recovered = await login(user.tenant, user.email, { recoveryCode: recoveryCode.toUpperCase() });
    expect(recovered.status).toBe(200);
    const again = await login(user.tenant, user.email, { recoveryCode });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('mfa_code_invalid');

    const me = await api.call<MeBody>('GET', '/v1/auth/me', { token: recovered.body.accessToken });
    expect(me.body.mfaEnabled).toBe(true);
    for (const action of ['mfa.enroll', 'mfa.enable', 'mfa.recovery_code_used']) {
      const events = await auditOf(user.tenant, action);
      expect(events.filter((e) => e.targetId === user.userId)).toHaveLength(1);
    }
    const enableEvent = (await auditOf(user.tenant, 'mfa.enable')).find((e) => e.targetId === user.userId);
    expect(JSON.stringify(enableEvent?.details)).not.toContain(recoveryCode);
  });

  it('turns MFA off only with a current code', async () => {
    const user = await aUser(['viewer']);
    const token = user.token;
    const { body: enrollment } = await api.call<{ secret: string }>('POST', '/v1/auth/mfa/totp/enroll', {
      token,
    });
    const step = totpStep(new Date());
    await api.call('POST', '/v1/auth/mfa/totp/verify', {
      token,
      json: { code: totpCodeAt(enrollment.secret, step) },
    });

    const wrong = await api.call<ErrorBody>('POST', '/v1/auth/mfa/totp/disable', {
      token,
      json: { code: aWrongCode(enrollment.secret, step) },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('mfa_code_invalid');
    const disabled = await api.call<{ mfaEnabled: boolean }>('POST', '/v1/auth/mfa/totp/disable', {
      token,
      json: { code: totpCodeAt(enrollment.secret, step + 1) },
    });
    expect(disabled).toMatchObject({ status: 200, body: { mfaEnabled: false } });
    expect(
      (await auditOf(user.tenant, 'mfa.disable')).filter((e) => e.targetId === user.userId),
    ).toHaveLength(1);
    const me = await api.call<MeBody>('GET', '/v1/auth/me', { token });
    expect(me.body.mfaEnabled).toBe(false);
  });

  it("flags a session whose tenant requires MFA for the user's role but who has not enrolled", async () => {
    const tenant = await api.createTenant({ mfaRequiredRoles: ['admin'] });
    const user = await aUser(['admin'], tenant);
    const signedIn = await login(tenant, user.email);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.mfaEnrollmentRequired).toBe(true);
  });

  it('rotates refresh tokens; presenting a used one revokes the whole session', async () => {
    const user = await api.createUser(['viewer']);
    const first = await api.call<LoginBody>('POST', '/v1/auth/refresh', {
      token: null,
      json: { refreshToken: user.refreshToken },
    });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(user.refreshToken);
    expect((await api.call('GET', '/v1/auth/me', { token: first.body.accessToken })).status).toBe(200);

    const reused = await api.call<ErrorBody>('POST', '/v1/auth/refresh', {
      token: null,
      json: { refreshToken: user.refreshToken },
    });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('refresh_token_reused');

    // The successor issued before the reuse is dead too, and so are the session's access tokens.
    const successor = await api.call<ErrorBody>('POST', '/v1/auth/refresh', {
      token: null,
      json: { refreshToken: first.body.refreshToken },
    });
    expect(successor.status).toBe(401);
    expect(successor.body.error.code).toBe('refresh_token_invalid');
    const access = await api.call<ErrorBody>('GET', '/v1/auth/me', { token: first.body.accessToken });
    expect(access.status).toBe(401);

    const reuseEvents = (await auditOf(user.tenant, 'auth.refresh_reuse')).filter(
      (e) => e.actorId === user.userId,
    );
    expect(reuseEvents).toHaveLength(1);
    expect(reuseEvents[0]).toMatchObject({ outcome: 'denied', targetType: 'session' });
  });

  it('signs out: the refresh token and the access token of that session stop working', async () => {
    const user = await api.createUser(['auditor']);
    const other = await api.call<LoginBody>('POST', '/v1/auth/refresh', {
      token: null,
      json: { refreshToken: user.refreshToken },
    });
    const token = other.body.accessToken;

    const out = await api.call('POST', '/v1/auth/logout', { token });
    expect(out.status).toBe(204);
    const me = await api.call<ErrorBody>('GET', '/v1/auth/me', { token });
    expect(me.status).toBe(401);
    expect(me.body.error).toMatchObject({ code: 'invalid_token', details: { reason: 'session_revoked' } });
    const refreshed = await api.call<ErrorBody>('POST', '/v1/auth/refresh', {
      token: null,
      json: { refreshToken: other.body.refreshToken },
    });
    expect(refreshed.status).toBe(401);
    expect((await auditOf(user.tenant, 'auth.logout')).filter((e) => e.actorId === user.userId)).toHaveLength(
      1,
    );
  });

  it('publishes the verification keys, cacheable for five minutes', async () => {
    const jwks = await api.call<{ keys: { kid: string; alg: string; kty: string; d?: string }[] }>(
      'GET',
      '/.well-known/jwks.json',
      { token: null },
    );
    expect(jwks.status).toBe(200);
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    const header = JSON.parse(Buffer.from(api.owner.token.split('.')[0]!, 'base64url').toString('utf8')) as {
      kid: string;
    };
    expect(jwks.body.keys).toEqual(
      expect.arrayContaining([expect.objectContaining({ kid: header.kid, alg: 'EdDSA', kty: 'OKP' })]),
    );
    expect(jwks.body.keys.every((key) => key.d === undefined)).toBe(true);
  });
});

describe('API: sign-in attempts per address', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApiHarness();
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 429 with Retry-After after 20 attempts a minute from one address', async () => {
    const attempt = () =>
      api.call<ErrorBody>('POST', '/v1/auth/login', {
        token: null,
        // An unknown tenant: no account is touched, only the address is counted.
        json: { tenant: `no-${randomUUID().slice(0, 8)}`, email: 'someone@example.test', password: 'guess' },
      });
    for (let i = 0; i < 20; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('login_rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
