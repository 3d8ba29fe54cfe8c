/**
 * The http step's credential, applied inside its activity: resolved through the worker's vault
 * port (which decrypts and audits), turned into one request header, every value of it masked in
 * what the step reports. A step without `credential` sends exactly what it always did.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  assertNoHeaderConflict,
  credentialAuth,
  fetchAccessToken,
  oauth2Secrets,
  type CredentialHeader,
} from './http-credential';
import type { OpenedSecrets } from './secrets';
import {
  ACTIVITY_ERROR_TYPES,
  StepCredentialError,
  type HttpActivityInput,
  type StepCredential,
  type StepCredentials,
} from '../activity-contract';

export interface HttpAuthDeps {
  credentials?: StepCredentials;
  /** The worker's tenant; a step scheduled for another tenant's credential is refused. */
  tenantId?: string;
}

async function resolveCredential(input: HttpActivityInput, deps: HttpAuthDeps): Promise<StepCredential> {
  const ref = input.credential!;
  if (deps.tenantId !== undefined && deps.tenantId !== ref.tenantId) {
    throw ApplicationFailure.create({
      type: ACTIVITY_ERROR_TYPES.invalidRequest,
      message: `credential "${ref.name}" belongs to another tenant than this worker's`,
      nonRetryable: true,
    });
  }
  if (deps.credentials === undefined) {
    throw ApplicationFailure.create({
      type: ACTIVITY_ERROR_TYPES.credentialUnreadable,
      message: `cannot use credential "${ref.name}": this worker was started without the vault`,
      nonRetryable: true,
    });
  }
  try {
    return await deps.credentials.resolve({
      tenantId: ref.tenantId,
      runId: input.runId,
      stepId: input.stepId,
      name: ref.name,
    });
  } catch (err) {
    // Anything else is the vault's trouble (its database): worth another attempt, internals unsaid.
    if (!(err instanceof StepCredentialError)) {
      throw ApplicationFailure.create({
        type: ACTIVITY_ERROR_TYPES.credentialUnreadable,
        message: `cannot use credential "${ref.name}": the vault did not answer`,
      });
    }
    throw ApplicationFailure.create({
      type:
        err.reason === 'not_found'
          ? ACTIVITY_ERROR_TYPES.credentialNotFound
          : ACTIVITY_ERROR_TYPES.credentialUnreadable,
      message: err.message,
      nonRetryable: !err.retryable,
    });
  }
}

/** The header the step's credential sets, or undefined for a step without one. */
export async function authenticate(
  input: HttpActivityInput,
  declared: Record<string, string>,
  opened: OpenedSecrets,
  deps: HttpAuthDeps,
  signal: AbortSignal,
): Promise<CredentialHeader | undefined> {
  if (input.credential === undefined) return undefined;
  const label = input.credential.name;
  const credential = await resolveCredential(input, deps);
  const auth = credentialAuth(label, credential);
  if ('name' in auth) {
    opened.learn(auth.secrets);
    assertNoHeaderConflict(label, auth.name, declared);
    return auth;
  }
  opened.learn(oauth2Secrets(auth));
  assertNoHeaderConflict(label, 'Authorization', declared);
  const token = await fetchAccessToken(auth, label, signal);
  opened.learn([token]);
  return { name: 'Authorization', value: `Bearer ${token}`, secrets: [token] };
}
