/** How a person proved who they are (RFC 8176 `amr` values); carried from sign-in to every token. */
export type AuthMethod = 'pwd' | 'otp' | 'recovery';

export const AUTH_METHODS: readonly AuthMethod[] = ['pwd', 'otp', 'recovery'];

export function isAuthMethod(value: unknown): value is AuthMethod {
  return AUTH_METHODS.includes(value as AuthMethod);
}
