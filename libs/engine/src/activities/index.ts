import { createRunHttp } from './http';
import { resolveLimits } from './limits';
import { createRunPlugin, createRunPluginChain, type PluginHost } from './plugin';
import { createRunShell } from './shell';
import type { ActivityDeps, WardenActivities } from '../activity-contract';

/** Builds the step activities around their dependencies (logger, limits, the plugin host, the secret opener). */
export function createActivities(deps: ActivityDeps & { plugins?: PluginHost }): WardenActivities {
  const limits = resolveLimits(deps.limits);
  return {
    runShell: createRunShell(deps.logger, limits, deps.secrets),
    runHttp: createRunHttp(deps.logger, limits, deps.secrets, {
      credentials: deps.credentials,
      tenantId: deps.tenantId,
    }),
    runPlugin: createRunPlugin(deps.plugins, deps.logger, limits, deps.secrets),
    runPluginChain: createRunPluginChain(deps.plugins, deps.logger, limits, deps.secrets),
  };
}
