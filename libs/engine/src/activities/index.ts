import { createRunHttp } from './http';
import { resolveLimits } from './limits';
import { createRunShell } from './shell';
import type { ActivityDeps, WardenActivities } from '../activity-contract';

/** Builds the step activities around their dependencies (logger, limits). */
export function createActivities(deps: ActivityDeps): WardenActivities {
  const limits = resolveLimits(deps.limits);
  return {
    runShell: createRunShell(deps.logger, limits),
    runHttp: createRunHttp(deps.logger, limits),
  };
}
