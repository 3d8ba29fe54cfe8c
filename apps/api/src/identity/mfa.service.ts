import { Injectable } from '@nestjs/common';
import { enrollTotp, generateRecoveryCodes, IdentityError, verifyTotp } from '@warden/identity';
import { UserRepository, withTenant, type TenantTransaction, type UserEntity } from '@warden/persistence';
import { DataSource } from 'typeorm';
import { IdentitySettings } from '../auth/sessions';
import type { Principal } from '../http/request-context';
import { actorOf, recordEvent } from './identity-audit';
import { MfaSecrets } from './mfa-secrets';
import { CredentialError } from './identity.errors';
import type { MfaDisabled, MfaEnabled, TotpEnrollment } from './mfa.dto';
import type { RequestOrigin } from './request-origin';
import { sessionRequired } from './session.service';

/** Shown by authenticator apps above the account name. */
const TOTP_ISSUER = 'Warden';

/**
 * TOTP for the signed-in user: enroll (a pending secret), verify (turns MFA on and hands out
 * recovery codes once), disable (needs a current code). Every accepted code advances the
 * user's last TOTP step atomically, so no code works twice, here or at sign-in.
 */
@Injectable()
export class MfaService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UserRepository,
    private readonly settings: IdentitySettings,
    private readonly secrets: MfaSecrets,
  ) {}

  async enroll(principal: Principal, origin: RequestOrigin): Promise<TotpEnrollment> {
    const user = await this.caller(principal);
    if (user.mfaEnabled) {
      throw new CredentialError(
        'mfa_already_enabled',
        'MFA is already on; disable it first to enroll a new device',
      );
    }
    const enrollment = enrollTotp(user.email, TOTP_ISSUER);
    const sealed = await this.secrets.seal(user, enrollment.secretBase32);
    await withTenant(this.dataSource, { tenantId: principal.tenantId }, async (tx) => {
      // Replaces any earlier pending secret: only the newest enrollment can be verified.
      await this.users.update(tx, user.id, { mfaSecret: sealed, mfaEnabled: false });
      await this.audit(tx, origin, principal, 'mfa.enroll');
    });
    return { secret: enrollment.secretBase32, otpauthUrl: enrollment.otpauthUrl };
  }

  async verify(principal: Principal, code: string, origin: RequestOrigin): Promise<MfaEnabled> {
    const user = await this.caller(principal);
    if (user.mfaEnabled) throw new CredentialError('mfa_already_enabled', 'MFA is already on');
    const secret = await this.secrets.open(user);
    if (secret === null) {
      throw new CredentialError(
        'mfa_not_enrolled',
        'nothing to verify: enroll first (POST /v1/auth/mfa/totp/enroll)',
      );
    }
    const step = this.checkCode(secret, code, user);
    const recovery = generateRecoveryCodes();
    await withTenant(this.dataSource, { tenantId: principal.tenantId }, async (tx) => {
      await this.spend(tx, user.id, step);
      await this.users.update(tx, user.id, { mfaEnabled: true, recoveryCodeHashes: [...recovery.hashes] });
      await this.audit(tx, origin, principal, 'mfa.enable', { recoveryCodes: recovery.codes.length });
    });
    return { mfaEnabled: true, recoveryCodes: [...recovery.codes] };
  }

  async disable(principal: Principal, code: string, origin: RequestOrigin): Promise<MfaDisabled> {
    const user = await this.caller(principal);
    const secret = user.mfaEnabled ? await this.secrets.open(user) : null;
    if (secret === null) {
      throw new CredentialError('mfa_not_enrolled', 'MFA is not on for this account');
    }
    const step = this.checkCode(secret, code, user);
    await withTenant(this.dataSource, { tenantId: principal.tenantId }, async (tx) => {
      await this.spend(tx, user.id, step);
      await this.users.update(tx, user.id, { mfaEnabled: false, mfaSecret: null, recoveryCodeHashes: [] });
      await this.audit(tx, origin, principal, 'mfa.disable');
    });
    return { mfaEnabled: false };
  }

  private async caller(principal: Principal): Promise<UserEntity> {
    if (principal.kind !== 'user') throw sessionRequired();
    const user = await this.users.findById({ tenantId: principal.tenantId }, principal.userId);
    if (!user) throw new CredentialError('invalid_credentials', 'the caller no longer exists');
    return user;
  }

  private checkCode(secret: string, code: string, user: UserEntity): number {
    try {
      return verifyTotp(secret, code, user.mfaLastStep, this.settings.clock.now());
    } catch (err) {
      if (!(err instanceof IdentityError)) throw err;
      throw err.code === 'mfa_code_reused'
        ? new CredentialError('mfa_code_reused', 'this code was already used; wait for the next one')
        : new CredentialError('mfa_code_invalid', 'the authenticator code is not valid');
    }
  }

  /** Claims the step; a concurrent request that claimed it first wins and this one is a replay. */
  private async spend(tx: TenantTransaction, userId: string, step: number): Promise<void> {
    if (!(await this.users.advanceMfaStep(tx, userId, step))) {
      throw new CredentialError('mfa_code_reused', 'this code was already used; wait for the next one');
    }
  }

  private audit(
    tx: TenantTransaction,
    origin: RequestOrigin,
    principal: Principal,
    action: 'mfa.enroll' | 'mfa.enable' | 'mfa.disable',
    details: Record<string, unknown> = {},
  ): Promise<void> {
    return recordEvent(tx, origin, {
      actor: actorOf(principal),
      action,
      target: { type: 'user', id: principal.userId },
      outcome: 'success',
      details,
    });
  }
}
