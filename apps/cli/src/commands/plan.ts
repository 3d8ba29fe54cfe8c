import type { Command } from 'commander';
import { planWorkflow, type Plan, type PlannedStep } from '@warden/definition';
import { CommandExit, EXIT } from '../cli-errors';
import { collect } from '../input-args';
import type { Output } from '../output';
import { loadCheckedSource } from '../source-file';

export interface PlanOptions {
  input: string[];
  json?: boolean;
}

/** Offline: checks the definition and the inputs, then prints what a run would do. */
export function planFile(path: string, options: PlanOptions, output: Output): number {
  const checked = loadCheckedSource(path, options.input, output);
  if (!checked) return EXIT.usage;
  const plan = planWorkflow(checked.definition, checked.resolvedInputs);
  if (options.json) output.out(JSON.stringify(plan, null, 2));
  else for (const line of describePlan(plan, checked.resolvedInputs)) output.out(line);
  return EXIT.ok;
}

export function describePlan(plan: Plan, inputs: Record<string, unknown>): string[] {
  const shownInputs = Object.entries(inputs).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  const lines = [
    `plan of ${plan.workflow} ${plan.version}${shownInputs.length ? ` with ${shownInputs.join(', ')}` : ''}`,
  ];
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  plan.stages.forEach((stage, index) => {
    lines.push(`stage ${index + 1}${stage.length > 1 ? ' (in parallel)' : ''}`);
    for (const id of stage) {
      const step = byId.get(id);
      if (step) lines.push(...describeStep(step));
    }
  });
  return lines;
}

function describeStep(step: PlannedStep): string[] {
  const needs = step.depends_on.length ? ` after ${step.depends_on.join(', ')}` : '';
  const lines = [`  ${step.id} (${step.type}, needs ${step.requiredProfile})${needs}`];
  if (step.when) {
    const outcome =
      step.when.value === 'depends_on_runtime' ? 'decided at run time' : step.when.value ? 'runs' : 'skipped';
    lines.push(`    when ${step.when.expression} -> ${outcome}`);
  }
  for (const [field, value] of Object.entries(step.rendered ?? {})) {
    lines.push(`    ${field}: ${JSON.stringify(value)}`);
  }
  return lines;
}

export function registerPlanCommand(program: Command, output: Output): void {
  program
    .command('plan')
    .description('print the execution plan of a workflow for the given inputs (offline)')
    .argument('<file>', 'workflow definition (YAML or JSON)')
    .option('-i, --input <key=value>', 'run input, repeatable', collect, [])
    .option('--json', 'print the plan as JSON')
    .action((file: string, options: PlanOptions) => {
      throw new CommandExit(planFile(file, options, output));
    });
}
