import { checkPasswordPolicy, hashPassword, IdentityError } from '@warden/identity';
import { RequestError } from '../http/request.errors';

/** The argon2id hash of a password an administrator sets, after the password policy. */
export async function adminSetPasswordHash(password: string, email: string, path: string): Promise<string> {
  try {
    checkPasswordPolicy(password, email);
  } catch (err) {
    if (err instanceof IdentityError) {
      throw new RequestError('invalid_request', `${path}: ${err.message}`, {
        problems: [{ path, message: err.message, code: err.code }],
      });
    }
    throw err;
  }
  return hashPassword(password);
}
