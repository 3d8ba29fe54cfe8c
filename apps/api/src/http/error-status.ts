import { AuditError, type AuditErrorCode } from '../audit/audit.errors';
import { AuthError, type AuthErrorCode } from '../auth/auth.errors';
import { VaultError, type VaultErrorCode } from '../credentials/credentials.errors';
import type { CryptoErrorCode } from '@warden/crypto';
import { EncryptedDataError } from '../crypto/crypto.errors';
import { HealthError, type HealthErrorCode } from '../health/health.errors';
import { CredentialError, type CredentialErrorCode } from '../identity/identity.errors';
import { KeysError, type KeysErrorCode } from '../keys/keys.errors';
import { RegistryError, type RegistryErrorCode } from '../plugins/plugins.errors';
import { RunError, type RunErrorCode } from '../runs/runs.errors';
import { TenantError, type TenantErrorCode } from '../tenants/tenants.errors';
import { UserAdminError, type UserAdminErrorCode } from '../users/users.errors';
import { WorkflowError, type WorkflowErrorCode } from '../workflows/workflows.errors';
import { RequestError, type RequestErrorCode } from './request.errors';

export type ApiErrorCode =
  | RequestErrorCode
  | AuthErrorCode
  | WorkflowErrorCode
  | RunErrorCode
  | HealthErrorCode
  | CredentialErrorCode
  | TenantErrorCode
  | UserAdminErrorCode
  | AuditErrorCode
  | RegistryErrorCode
  | VaultErrorCode
  | CryptoErrorCode
  | KeysErrorCode;

export type KnownError =
  | RequestError
  | AuthError
  | WorkflowError
  | RunError
  | HealthError
  | CredentialError
  | TenantError
  | UserAdminError
  | AuditError
  | RegistryError
  | VaultError
  | EncryptedDataError
  | KeysError;

export function isKnownError(err: unknown): err is KnownError {
  return (
    err instanceof RequestError ||
    err instanceof AuthError ||
    err instanceof WorkflowError ||
    err instanceof RunError ||
    err instanceof HealthError ||
    err instanceof CredentialError ||
    err instanceof TenantError ||
    err instanceof UserAdminError ||
    err instanceof AuditError ||
    err instanceof RegistryError ||
    err instanceof VaultError ||
    err instanceof EncryptedDataError ||
    err instanceof KeysError
  );
}

/** Every code has exactly one status; adding a code without a status does not compile. */
export function httpStatusFor(code: ApiErrorCode): number {
  switch (code) {
    case 'invalid_request':
    case 'malformed_json':
    case 'invalid_definition':
    case 'workflow_name_mismatch':
    case 'invalid_inputs':
    case 'profile_violation':
    case 'role_unknown':
    case 'role_cycle':
    case 'role_key_reserved':
    case 'role_invalid':
    case 'permission_unknown':
    case 'grant_invalid':
    case 'principal_invalid':
    case 'audit_cursor_invalid':
    case 'plugin_invalid':
    case 'plugin_id_mismatch':
    case 'signature_invalid':
    case 'publisher_key_invalid':
    case 'credential_data_invalid':
    case 'confirmation_mismatch':
      return 400;
    case 'unauthenticated':
    case 'invalid_token':
    case 'invalid_credentials':
    case 'mfa_required':
    case 'mfa_code_invalid':
    case 'mfa_code_reused':
    case 'refresh_token_invalid':
    case 'refresh_token_reused':
      return 401;
    case 'permission_not_declared':
    case 'forbidden':
    case 'not_an_approver':
    case 'session_required':
    case 'escalation':
    case 'permission_denied':
    case 'owner_protected':
      return 403;
    case 'route_not_found':
    case 'workflow_not_found':
    case 'version_not_found':
    case 'run_not_found':
    case 'step_not_found':
    case 'api_key_not_found':
    case 'tenant_not_found':
    case 'user_not_found':
    case 'role_not_found':
    case 'grant_not_found':
    case 'principal_not_found':
    case 'resource_not_found':
    case 'plugin_not_found':
    case 'plugin_version_not_found':
    case 'publisher_key_not_found':
    case 'credential_not_found':
    case 'key_version_not_found':
    case 'key_job_not_found':
      return 404;
    case 'method_not_allowed':
      return 405;
    case 'request_timeout':
      return 408;
    case 'workflow_exists':
    case 'concurrent_update':
    case 'idempotency_key_reused':
    case 'run_not_active':
    case 'step_not_waiting':
    case 'mfa_not_enrolled':
    case 'mfa_already_enabled':
    case 'api_key_not_active':
    case 'tenant_exists':
    case 'user_exists':
    case 'role_exists':
    case 'role_duplicate':
    case 'role_in_use':
    case 'grant_exists':
    case 'last_owner':
    case 'plugin_exists':
    case 'version_not_increasing':
    case 'plugin_unsigned':
    case 'status_transition_invalid':
    case 'plugin_in_use':
    case 'publisher_key_exists':
    case 'credential_exists':
    case 'key_in_use':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'quota_exceeded':
    case 'account_locked':
    case 'login_rate_limited':
      return 429;
    case 'headers_too_large':
      return 431;
    case 'key_destroyed':
      return 410;
    case 'internal_error':
    case 'missing_identity':
    case 'ciphertext_malformed':
    case 'ciphertext_unsupported_version':
    case 'ciphertext_context_mismatch':
    case 'ciphertext_tampered':
    case 'key_not_found':
      return 500;
    case 'engine_unavailable':
    case 'not_ready':
    case 'namespace_unavailable':
    case 'sandbox_unavailable':
    case 'vault_unavailable':
    case 'key_provider_failed':
    case 'master_key_mismatch':
    case 'key_config_invalid':
      return 503;
    default: {
      const unhandled: never = code;
      throw new Error(`no HTTP status for error code ${String(unhandled)}`);
    }
  }
}
