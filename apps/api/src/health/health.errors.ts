import { ApiError } from '../http/api-error';

export type HealthErrorCode = 'not_ready';

export class HealthError extends ApiError<HealthErrorCode> {}
