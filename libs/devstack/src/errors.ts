/**
 * Every failure of the local stack carries a stable code and, where one is involved, the file
 * or folder it concerns, so scripts and tests can tell failures apart without parsing prose.
 */
export type DevstackErrorCode =
  | 'TEMPORAL_CLI_PATH_INVALID'
  | 'TEMPORAL_CLI_BUILD_FAILED'
  | 'TEMPORAL_CLI_LOCK_TIMEOUT'
  | 'TEMPORAL_SERVER_START_FAILED'
  | 'POSTGRES_BINARIES_MISSING'
  | 'POSTGRES_USER_UNAVAILABLE'
  | 'POSTGRES_INIT_FAILED'
  | 'POSTGRES_START_FAILED'
  | 'POSTGRES_CREDENTIALS_MISSING'
  | 'SERVICE_NOT_READY'
  | 'DATA_DIR_IN_USE'
  | 'SANDBOX_ADDON_BUILD_FAILED'
  | 'LOCAL_KMS_UNAVAILABLE'
  | 'LOCAL_KMS_BUILD_FAILED'
  | 'LOCAL_KMS_START_FAILED'
  | 'NODE_RUNTIME_UNAVAILABLE';

export class DevstackError extends Error {
  override readonly name = 'DevstackError';

  constructor(
    readonly code: DevstackErrorCode,
    message: string,
    /** The file or folder the problem concerns, when there is one. */
    readonly path?: string,
  ) {
    super(message);
  }
}
