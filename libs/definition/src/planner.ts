/**
 * The execution plan of a definition for given inputs: stages of steps that may run together,
 * each step's `when` where it can be decided up front, and its fields rendered with the inputs.
 * This is all a `plan_only` run produces.
 */
import { splitCommand } from './command';
import {
  type Expr,
  ExpressionError,
  evaluateExpression,
  parseExpression,
  referencedPaths,
  scanTemplate,
  isPlainObject,
  toText,
  truthy,
} from './expressions';
import type { ExpressionContext, SecurityProfile, Step, WorkflowDefinition } from './model';
import { stepRequiredProfile } from './profiles';
import { hideSecrets } from './secrets';
import { getStepType } from './step-types';

export interface PlannedStep {
  id: string;
  type: string;
  /** Index into Plan.stages. */
  stage: number;
  depends_on: string[];
  when?: { expression: string; value: boolean | 'depends_on_runtime' };
  /**
   * The step's fields with inputs filled in (shell: `{ argv }`, or `{ script, env }` with
   * `shell: bash`). Parts that need step outputs keep their template text.
   */
  rendered?: Record<string, unknown>;
  requiredProfile: SecurityProfile;
}

export interface Plan {
  workflow: string;
  version: string;
  /** Topological layers; steps of one stage can run at the same time. */
  stages: string[][];
  steps: PlannedStep[];
}

/**
 * Layers steps so each one comes after all its dependencies (a step's stage is one more than
 * its latest dependency's). Order inside a stage is definition order. Throws on a cycle, which
 * a validated definition never has.
 */
export function topologicalStages(
  steps: readonly { id: string; depends_on?: readonly string[] }[],
): string[][] {
  const known = new Set(steps.map((s) => s.id));
  const depsOf = new Map(steps.map((s) => [s.id, (s.depends_on ?? []).filter((d) => known.has(d))]));
  const dependants = new Map<string, string[]>();
  const waitingOn = new Map<string, number>();
  for (const [id, deps] of depsOf) {
    waitingOn.set(id, deps.length);
    for (const d of deps) {
      const list = dependants.get(d);
      if (list) list.push(id);
      else dependants.set(d, [id]);
    }
  }
  const stageOf = new Map<string, number>();
  const ready = steps.filter((s) => waitingOn.get(s.id) === 0).map((s) => s.id);
  for (let head = 0; head < ready.length; head++) {
    const id = ready[head];
    const deps = depsOf.get(id) ?? [];
    stageOf.set(id, deps.length === 0 ? 0 : 1 + Math.max(...deps.map((d) => stageOf.get(d) ?? 0)));
    for (const next of dependants.get(id) ?? []) {
      const left = (waitingOn.get(next) ?? 0) - 1;
      waitingOn.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  if (stageOf.size < known.size) {
    const stuck = steps.filter((s) => !stageOf.has(s.id)).map((s) => s.id);
    throw new Error(`dependency cycle among steps ${stuck.join(', ')}`);
  }
  const stages: string[][] = [];
  for (const s of steps) {
    const n = stageOf.get(s.id) ?? 0;
    while (stages.length <= n) stages.push([]);
    stages[n].push(s.id);
  }
  return stages;
}

/** Plans a validated definition; `inputs` are run inputs (resolveRunInputs(...).values). */
export function planWorkflow(
  def: WorkflowDefinition,
  inputs: Record<string, unknown>,
  opts: { runId?: string } = {},
): Plan {
  const withDefaults: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(def.inputs)) {
    if (spec.default !== undefined) withDefaults[name] = spec.default;
  }
  const ctx: ExpressionContext = {
    inputs: { ...withDefaults, ...inputs },
    steps: {},
    ...(opts.runId ? { run: { id: opts.runId, workflow: def.name } } : {}),
  };
  const stages = topologicalStages(def.steps);
  const stageOf = new Map(stages.flatMap((ids, n) => ids.map((id): [string, number] => [id, n])));
  return {
    workflow: def.name,
    version: def.version,
    stages,
    steps: def.steps.map((step) => {
      const rendered = renderStep(step, ctx);
      return {
        id: step.id,
        type: step.type,
        stage: stageOf.get(step.id) ?? 0,
        depends_on: step.depends_on ?? [],
        ...(step.when !== undefined
          ? { when: { expression: step.when, value: planWhen(step.when, ctx) } }
          : {}),
        ...(rendered ? { rendered } : {}),
        requiredProfile: stepRequiredProfile(step.type),
      };
    }),
  };
}

function planWhen(src: string, ctx: ExpressionContext): boolean | 'depends_on_runtime' {
  const result = staticEval(src, ctx);
  return result.known ? truthy(result.value) : 'depends_on_runtime';
}

function renderStep(step: Step, ctx: ExpressionContext): Record<string, unknown> | undefined {
  const descriptor = getStepType(step.type);
  if (!descriptor) return undefined;
  const out: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(descriptor.fields)) {
    const value = Reflect.get(step, field);
    if (value === undefined) {
      if (spec.default !== undefined) out[field] = spec.default;
      continue;
    }
    // A plan shows that a secret exists, never its value or ciphertext.
    const shown = hideSecrets(value);
    out[field] = spec.content === 'plain' || spec.content === 'expression' ? shown : renderStatic(shown, ctx);
  }
  if (step.type === 'shell' && typeof out.command === 'string') {
    const command = Reflect.get(step, 'command');
    delete out.command;
    if (out.shell === 'bash') return { script: command, ...out };
    return { argv: splitCommand(String(command)).map((t) => toText(renderStatic(t.raw, ctx))), ...out };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Renders templates that need only inputs; a `{{ }}` that reads step results stays as written. */
function renderStatic(value: unknown, ctx: ExpressionContext): unknown {
  if (Array.isArray(value)) return value.map((v) => renderStatic(v, ctx));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: renderStatic(v, ctx),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if (typeof value !== 'string') return value;
  const parts = scanTemplate(value);
  const exprs = parts.filter((p) => p.kind === 'expr');
  if (exprs.length === 1 && parts.every((p) => p.kind === 'expr' || p.text.trim() === '')) {
    const r = staticEval(exprs[0].expr, ctx);
    return r.known ? r.value : value;
  }
  return parts
    .map((p) => {
      if (p.kind === 'text') return p.text;
      const r = staticEval(p.expr, ctx);
      return r.known ? toText(r.value) : value.slice(p.start, p.end);
    })
    .join('');
}

/** Evaluates an expression when it reads no step results; errors leave it to run time. */
function staticEval(src: string, ctx: ExpressionContext): { known: true; value: unknown } | { known: false } {
  let expr: Expr;
  try {
    expr = parseExpression(src);
    if (referencedPaths(expr).some((p) => p[0] === 'steps')) return { known: false };
    return { known: true, value: evaluateExpression(expr, ctx) };
  } catch (err) {
    if (err instanceof ExpressionError) return { known: false };
    throw err;
  }
}
