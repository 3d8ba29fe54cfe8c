/**
 * Plugin chains: consecutive plugin steps that run in one local activity instead of one each.
 *
 * A local activity costs a round trip between workflow code, the SDK's core and the activity
 * (3 to 5 ms on a 2-core machine), about as much as the whole sandbox call. A chain pays it once.
 * Pure: the workflow asks, for a plugin step it is about to start, which steps may ride along.
 *
 * A step joins the chain only when running it there is indistinguishable from running it alone
 * right after the previous member (decision 0007):
 *  - it is a plugin step with a pinned version, and no `when`, `retry` or `timeout` of its own
 *    (those need the workflow: a decision taken on fresh state, a retry timer, a step deadline);
 *  - it is the only step that depends on the previous member, so no step outside the chain
 *    waits longer than it would have;
 *  - every other dependency of it has already succeeded.
 */
import { stepsReadBy, type ExpressionContext, type PluginStep, type Step } from '@warden/definition/runtime';
import type { RunState } from '../shared';

/** Marks a history whose workflow code may chain plugin steps (histories before it replay unchained). */
export const PLUGIN_CHAINS_PATCH = 'warden-plugin-chains';

/** Longest chain: one local activity's deadline is the sum of its members' step timeouts. */
export const MAX_CHAIN_LENGTH = 16;

/** A plugin step that could run inside a chain (as its head or a later member). */
export function chainable(step: Step, pinned: (stepId: string) => boolean): step is PluginStep {
  return (
    step.type === 'plugin' &&
    step.when === undefined &&
    step.retry === undefined &&
    step.timeout === undefined &&
    pinned(step.id)
  );
}

/**
 * The steps to run together starting with `head` (which the scheduler has just decided to run),
 * in order; just `[head]` when nothing may join it.
 */
export function pluginChainFrom(
  head: Step,
  steps: readonly Step[],
  state: RunState,
  pinned: (stepId: string) => boolean,
): Step[] {
  const chain: Step[] = [head];
  if (!chainable(head, pinned)) return chain;
  const members = new Set([head.id]);
  for (let last = head; chain.length < MAX_CHAIN_LENGTH;) {
    const dependents = steps.filter((s) => (s.depends_on ?? []).includes(last.id));
    if (dependents.length !== 1) break;
    const next = dependents[0]!;
    if (!chainable(next, pinned) || state.steps[next.id]?.status !== 'pending') break;
    const ready = (next.depends_on ?? []).every(
      (id) => members.has(id) || state.steps[id]?.status === 'succeeded',
    );
    if (!ready) break;
    chain.push(next);
    members.add(next.id);
    last = next;
  }
  return chain;
}

/**
 * What the chain's activity needs to render its members: the run's context with only the steps
 * their templates name (validation lets a template name only steps upstream of it, all finished
 * or earlier members), so a run's earlier outputs do not all travel with every chain. A template
 * that reads `steps` as a whole or by a computed key gets everything.
 */
export function chainContext(chain: readonly PluginStep[], full: ExpressionContext): ExpressionContext {
  const named = new Set<string>();
  for (const step of chain) {
    const read = stepsReadBy(step.with);
    if (read === undefined) return full;
    for (const id of read) named.add(id);
  }
  const steps = Object.fromEntries(Object.entries(full.steps).filter(([id]) => named.has(id)));
  return { ...full, steps };
}
