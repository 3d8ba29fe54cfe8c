import type { Problem, SecurityProfile, WorkflowDefinition } from './model';
import { getStepType } from './step-types';
import { shown } from './validate/shown';

const RANK: Record<SecurityProfile, number> = { plan_only: 0, restricted: 1, standard: 2, elevated: 3 };

/** plan_only 0 < restricted 1 < standard 2 < elevated 3. */
export function profileRank(p: SecurityProfile): number {
  return RANK[p];
}

/** The less privileged of two profiles (a run gets min(definition's, tenant's)). */
export function minProfile(a: SecurityProfile, b: SecurityProfile): SecurityProfile {
  return RANK[a] <= RANK[b] ? a : b;
}

/** Types nobody registered are treated as plugins, which need `standard`. */
export function stepRequiredProfile(type: string): SecurityProfile {
  return getStepType(type)?.requiredProfile ?? 'standard';
}

/** Whether a step of this type may execute under the profile; under plan_only nothing executes. */
export function profileAllows(profile: SecurityProfile, stepType: string): boolean {
  return profile !== 'plan_only' && RANK[profile] >= RANK[stepRequiredProfile(stepType)];
}

/**
 * A profile_violation for every step the profile does not allow. plan_only yields none: such a
 * run only plans, so every step type is fine.
 */
export function checkProfile(def: WorkflowDefinition, profile: SecurityProfile): Problem[] {
  if (profile === 'plan_only') return [];
  return def.steps.flatMap((step, i) => {
    const needed = stepRequiredProfile(step.type);
    if (profileAllows(profile, step.type)) return [];
    return [
      {
        code: 'profile_violation' as const,
        message: `step '${shown(step.id)}' of type '${shown(step.type)}' needs the '${needed}' security profile; this context allows at most '${profile}'`,
        path: `steps[${i}].type`,
        severity: 'error' as const,
      },
    ];
  });
}
