export type PersistenceErrorCode =
  | 'workflow_name_taken'
  | 'version_conflict'
  | 'invalid_tenant_id'
  | 'tenant_slug_taken'
  | 'user_email_taken'
  | 'custom_role_exists'
  | 'grant_exists'
  | 'plugin_key_taken'
  | 'publisher_key_exists'
  | 'credential_name_taken'
  | 'unsafe_app_role'
  | 'owner_cannot_bypass_rls';

/** A write refused by a database constraint that callers are expected to handle. */
export class PersistenceError extends Error {
  constructor(
    readonly code: PersistenceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PersistenceError';
  }
}

const UNIQUE_VIOLATION = '23505';

/** The constraint name of a PostgreSQL unique violation, if `err` is one. */
export function uniqueViolation(err: unknown): string | undefined {
  const { code, constraint } = driverError(err);
  return code === UNIQUE_VIOLATION && typeof constraint === 'string' ? constraint : undefined;
}

/** The SQLSTATE of a PostgreSQL error, whether raw from pg or wrapped by TypeORM. */
export function sqlState(err: unknown): string | undefined {
  const { code } = driverError(err);
  return typeof code === 'string' ? code : undefined;
}

function driverError(err: unknown): { code?: unknown; constraint?: unknown } {
  if (typeof err !== 'object' || err === null) return {};
  const inner = (err as { driverError?: unknown }).driverError ?? err;
  return typeof inner === 'object' && inner !== null ? inner : {};
}
