import { Injectable } from '@nestjs/common';
import {
  consumeRecoveryCode,
  hashPassword,
  hashRecoveryCode,
  IdentityError,
  isLocked,
  needsRehash,
  registerFailure,
  UNLOCKED,
  verifyAgainstDummy,
  verifyPassword,
  verifyTotp,
  type AuthMethod,
} from '@warden/identity';
import {
  TenantRepository,
  UserRepository,
  withTenant,
  type TenantEntity,
  type UserEntity,
} from '@warden/persistence';
import { DataSource } from 'typeorm';
import { IdentitySettings, Sessions } from '../auth/sessions';
import type { LoginBody, LoginResult } from './auth.dto';
import { ANONYMOUS, recordEvent } from './identity-audit';
import { MfaSecrets } from './mfa-secrets';
import { CredentialError } from './identity.errors';
import { lockoutForUpdate } from './lockout.data';
import { LoginThrottle } from './login-throttle';
import type { RequestOrigin } from './request-origin';

/** Why a sign-in failed, as the audit trail records it; the client only ever sees the code. */
type FailureReason =
  | 'unknown_user'
  | 'user_disabled'
  | 'no_password'
  | 'bad_password'
  | 'account_locked'
  | 'mfa_required'
  | 'mfa_code_invalid'
  | 'mfa_code_reused'
  | 'recovery_code_invalid';

/** The second factor a sign-in presented, checked but not yet spent. */
type SecondFactor = { kind: 'otp'; step: number } | { kind: 'recovery'; codeHash: string } | { kind: 'none' };

const invalidCredentials = (): CredentialError =>
  new CredentialError('invalid_credentials', 'the tenant, email or password is wrong');

/**
 * Password sign-in with lockout and TOTP. An unknown tenant, an unknown email and a wrong
 * password take the same time (a dummy argon2 verification) and give the same answer.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantRepository,
    private readonly users: UserRepository,
    private readonly sessions: Sessions,
    private readonly settings: IdentitySettings,
    private readonly throttle: LoginThrottle,
    private readonly mfaSecrets: MfaSecrets,
  ) {}

  async login(input: LoginBody, origin: RequestOrigin): Promise<LoginResult> {
    const now = this.settings.clock.now();
    this.throttle.take(origin.sourceIp, now.getTime());
    const tenant = await this.tenants.findBySlug(input.tenant);
    if (!tenant) {
      await verifyAgainstDummy(input.password);
      throw invalidCredentials();
    }
    const scope = { tenantId: tenant.id };
    const user = await this.users.findByEmail(scope, input.email);
    const refusal =
      user === undefined ? 'unknown_user' : user.status !== 'active' ? 'user_disabled' : undefined;
    if (!user || refusal || user.passwordHash === null) {
      await verifyAgainstDummy(input.password);
      await this.audit(tenant, origin, user, refusal ?? 'no_password', { email: input.email });
      throw invalidCredentials();
    }
    const storedHash = user.passwordHash;

    // Refused before the password is checked: a locked account must not become a password oracle.
    const lock = isLocked(user, now);
    if (lock.locked) {
      await this.audit(tenant, origin, user, 'account_locked');
      throw new CredentialError('account_locked', 'too many failed sign-ins; try again later', {
        retryAfterSeconds: lock.retryAfterSeconds,
      });
    }
    if (!(await verifyPassword(storedHash, input.password))) {
      await this.countFailure(tenant, origin, user, 'bad_password');
      throw invalidCredentials();
    }

    const factor = await this.secondFactor(tenant, origin, user, input, now);
    const enrollmentRequired =
      !user.mfaEnabled && tenant.mfaRequiredRoles.some((role) => user.roles.includes(role));
    const amr: AuthMethod[] = factor.kind === 'none' ? ['pwd'] : ['pwd', factor.kind];

    const session = await withTenant(this.dataSource, scope, async (tx) => {
      if (factor.kind === 'otp' && !(await this.users.advanceMfaStep(tx, user.id, factor.step)))
        return 'reused';
      if (factor.kind === 'recovery') {
        if (!(await this.users.consumeRecoveryCode(tx, user.id, factor.codeHash))) return 'reused';
        await recordEvent(tx, origin, {
          actor: { type: 'user', id: user.id },
          action: 'mfa.recovery_code_used',
          target: { type: 'user', id: user.id },
          outcome: 'success',
          details: { remaining: user.recoveryCodeHashes.length - 1 },
        });
      }
      if (user.failedCount > 0 || user.lockedUntil !== null)
        await this.users.saveLockout(tx, user.id, UNLOCKED);
      if (needsRehash(storedHash)) {
        await this.users.update(tx, user.id, { passwordHash: await hashPassword(input.password) });
      }
      const started = await this.sessions.start(tx, user.id, amr);
      await recordEvent(tx, origin, {
        actor: { type: 'user', id: user.id },
        action: 'auth.login',
        target: { type: 'session', id: started.sessionId },
        outcome: 'success',
        details: { amr, mfaEnrollmentRequired: enrollmentRequired },
      });
      return started;
    });
    if (session === 'reused') {
      // A concurrent sign-in spent the same code between our check and our claim.
      const reason = factor.kind === 'otp' ? 'mfa_code_reused' : 'recovery_code_invalid';
      await this.countFailure(tenant, origin, user, reason);
      throw factor.kind === 'otp'
        ? new CredentialError('mfa_code_reused', 'this code was already used; wait for the next one')
        : new CredentialError('mfa_code_invalid', 'the recovery code is not valid');
    }
    return {
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
      expiresIn: session.expiresIn,
      tokenType: 'Bearer',
      mfaEnrollmentRequired: enrollmentRequired,
    };
  }

  /** Checks a TOTP or recovery code when the user has MFA on. A wrong one counts toward lockout. */
  private async secondFactor(
    tenant: TenantEntity,
    origin: RequestOrigin,
    user: UserEntity,
    input: LoginBody,
    now: Date,
  ): Promise<SecondFactor> {
    const secret = user.mfaEnabled ? await this.mfaSecrets.open(user) : null;
    if (secret === null) return { kind: 'none' };
    if (input.totp !== undefined) {
      try {
        return { kind: 'otp', step: verifyTotp(secret, input.totp, user.mfaLastStep, now) };
      } catch (err) {
        if (!(err instanceof IdentityError)) throw err;
        const reused = err.code === 'mfa_code_reused';
        await this.countFailure(tenant, origin, user, reused ? 'mfa_code_reused' : 'mfa_code_invalid');
        throw reused
          ? new CredentialError('mfa_code_reused', 'this code was already used; wait for the next one')
          : new CredentialError('mfa_code_invalid', 'the authenticator code is not valid');
      }
    }
    if (input.recoveryCode !== undefined) {
      try {
        // Compares against every stored hash in constant time; spent for real in the session's transaction.
        consumeRecoveryCode(input.recoveryCode, user.recoveryCodeHashes);
      } catch (err) {
        if (!(err instanceof IdentityError)) throw err;
        await this.countFailure(tenant, origin, user, 'recovery_code_invalid');
        throw new CredentialError('mfa_code_invalid', 'the recovery code is not valid');
      }
      return { kind: 'recovery', codeHash: hashRecoveryCode(input.recoveryCode) };
    }
    await this.audit(tenant, origin, user, 'mfa_required');
    throw new CredentialError('mfa_required', 'this account uses MFA: send `totp` (or `recoveryCode`) too', {
      methods: ['totp', 'recoveryCode'],
    });
  }

  /** One more failure toward the lockout policy, counted and audited atomically. */
  private async countFailure(
    tenant: TenantEntity,
    origin: RequestOrigin,
    user: UserEntity,
    reason: FailureReason,
  ): Promise<void> {
    const policy = this.settings.config.lockout;
    await withTenant(this.dataSource, { tenantId: tenant.id }, async (tx) => {
      const current = await lockoutForUpdate(tx, user.id);
      if (!current) return;
      const next = registerFailure(current, this.settings.clock.now(), policy);
      await this.users.saveLockout(tx, user.id, next);
      await recordEvent(tx, origin, {
        actor: { type: 'user', id: user.id },
        action: 'auth.login',
        target: { type: 'user', id: user.id },
        outcome: 'failure',
        details: { reason, failedCount: next.failedCount, locked: next.lockedUntil !== null },
      });
    });
  }

  /** A failure that does not count toward lockout (unknown user, already locked, MFA missing). */
  private async audit(
    tenant: TenantEntity,
    origin: RequestOrigin,
    user: UserEntity | undefined,
    reason: FailureReason,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await withTenant(this.dataSource, { tenantId: tenant.id }, (tx) =>
      recordEvent(tx, origin, {
        actor: user ? { type: 'user', id: user.id } : ANONYMOUS,
        action: 'auth.login',
        target: { type: 'user', id: user?.id ?? null },
        outcome: 'failure',
        details: { reason, ...extra },
      }),
    );
  }
}
