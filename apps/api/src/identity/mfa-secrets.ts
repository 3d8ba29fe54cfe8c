import { Injectable } from '@nestjs/common';
import { FieldCipher } from '@warden/crypto';
import { mfaSecretContext } from '@warden/persistence';

interface MfaSecretOwner {
  id: string;
  tenantId: string;
  mfaSecret: string | null;
}

/**
 * TOTP secrets at rest: encrypted under the user's own data key (scope `subject:<userId>`), so
 * destroying that one key erases the user's second factor with the rest of their personal data.
 * A secret stored before encryption existed (plain base32) is still read, and the
 * re-encryption job moves it forward.
 */
@Injectable()
export class MfaSecrets {
  constructor(private readonly cipher: FieldCipher) {}

  seal(owner: Omit<MfaSecretOwner, 'mfaSecret'>, secretBase32: string): Promise<string> {
    return this.cipher.encrypt(mfaSecretContext(owner), secretBase32);
  }

  /** The base32 secret, or null when the user has none. */
  async open(owner: MfaSecretOwner): Promise<string | null> {
    if (owner.mfaSecret === null) return null;
    if (!FieldCipher.isCiphertext(owner.mfaSecret)) return owner.mfaSecret;
    return this.cipher.decrypt(mfaSecretContext(owner), owner.mfaSecret);
  }
}
