import { ApiError } from '../http/api-error';

/** Errors of the plugin registry routes (plugins, versions, publisher keys, the test run). */
export type RegistryErrorCode =
  /** The submission has problems (every one in `details.problems`, codes from @warden/plugins). */
  | 'plugin_invalid'
  /** A PUT whose manifest names another plugin than the URL. */
  | 'plugin_id_mismatch'
  /** A signature that no trusted publisher key verifies for this manifest and source. */
  | 'signature_invalid'
  /** Not an Ed25519 public key in SPKI PEM. */
  | 'publisher_key_invalid'
  /** Test input or config refused by the plugin's schemas. */
  | 'invalid_inputs'
  | 'plugin_not_found'
  | 'plugin_version_not_found'
  | 'publisher_key_not_found'
  | 'plugin_exists'
  | 'version_not_increasing'
  /** ACTIVE needs a signature that verifies against a key trusted now. */
  | 'plugin_unsigned'
  /** DEPRECATED is reachable from ACTIVE only, and nothing leads back to DRAFT. */
  | 'status_transition_invalid'
  /** The current version of some workflow pins the plugin (`details.workflows`). */
  | 'plugin_in_use'
  | 'publisher_key_exists'
  /** The sandbox could not run the test (not a failure of the plugin). */
  | 'sandbox_unavailable';

export class RegistryError extends ApiError<RegistryErrorCode> {}
