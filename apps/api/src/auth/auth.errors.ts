import { ApiError } from '../http/api-error';

export type AuthErrorCode = 'permission_not_declared' | 'missing_identity';

export class AuthError extends ApiError<AuthErrorCode> {}
