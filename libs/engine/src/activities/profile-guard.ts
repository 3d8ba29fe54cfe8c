import { ApplicationFailure } from '@temporalio/common';
import { profileAllows, type SecurityProfile } from '@warden/definition';
import { ACTIVITY_ERROR_TYPES } from '../activity-contract';

/**
 * The second check of the run's security profile, inside the activity: the workflow checked it
 * already, but an activity must not trust its input (a tampered history, a buggy caller).
 */
export function assertProfileAllows(profile: SecurityProfile, stepType: string): void {
  if (profileAllows(profile, stepType)) return;
  throw ApplicationFailure.create({
    type: ACTIVITY_ERROR_TYPES.profileViolation,
    message: `security profile '${profile}' does not allow ${stepType} steps`,
    nonRetryable: true,
  });
}
