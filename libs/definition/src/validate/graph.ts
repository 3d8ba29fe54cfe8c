import { shown } from './fields';
import type { Problems } from './problems';
import type { ReadStep } from './steps';

/**
 * Checks ids and the dependency graph: duplicates, unknown dependencies, cycles. Returns each
 * step's transitive upstream set, which decides which `steps.<id>` an expression may read.
 */
export function checkGraph(steps: readonly ReadStep[], problems: Problems): Map<string, Set<string>> {
  const byId = new Map<string, ReadStep>();
  for (const s of steps) {
    const first = byId.get(s.step.id);
    if (first) {
      problems.add(
        'duplicate_step_id',
        `${s.path}.id`,
        `step id '${shown(s.step.id)}' is already used by ${first.path}`,
      );
    } else {
      byId.set(s.step.id, s);
    }
  }
  for (const s of steps) {
    (s.step.depends_on ?? []).forEach((dep, j) => {
      if (!byId.has(dep)) {
        problems.add(
          'unknown_dependency',
          `${s.path}.depends_on[${j}]`,
          `step '${shown(s.step.id)}' depends on '${shown(dep)}', which is not a step`,
        );
      }
    });
  }
  const deps = (id: string): string[] => (byId.get(id)?.step.depends_on ?? []).filter((d) => byId.has(d));
  reportCycles([...byId.values()], deps, problems);
  return upstreamSets([...byId.keys()], deps);
}

/** One problem per distinct cycle, reported on the first step of the cycle in definition order. */
function reportCycles(steps: ReadStep[], deps: (id: string) => string[], problems: Problems): void {
  const inReportedCycle = new Set<string>();
  for (const s of steps) {
    if (inReportedCycle.has(s.step.id)) continue;
    const cycle = shortestPathBack(s.step.id, deps);
    if (!cycle) continue;
    cycle.forEach((id) => inReportedCycle.add(id));
    const j = (s.step.depends_on ?? []).indexOf(cycle[1]);
    problems.add(
      'dependency_cycle',
      `${s.path}.depends_on[${j}]`,
      `dependency cycle: ${cycle.join(' -> ')} (each step depends on the next)`,
    );
  }
}

/** Breadth-first search along depends_on from `start` back to itself: [start, ..., start] or undefined. */
function shortestPathBack(start: string, deps: (id: string) => string[]): string[] | undefined {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    for (const next of deps(node)) {
      if (next === start) {
        const path = [start];
        for (let n: string | undefined = node; n !== undefined && n !== start; n = cameFrom.get(n))
          path.splice(1, 0, n);
        return [...path, start];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}

function upstreamSets(ids: string[], deps: (id: string) => string[]): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const id of ids) {
    const seen = new Set<string>();
    const stack = [...deps(id)];
    while (stack.length > 0) {
      const n = stack.pop();
      if (n === undefined || seen.has(n)) continue;
      seen.add(n);
      stack.push(...deps(n));
    }
    result.set(id, seen);
  }
  return result;
}
