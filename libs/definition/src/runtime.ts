/**
 * @warden/definition/runtime: the evaluation half of the language, for Temporal workflow code.
 * It leaves out the YAML parser, the validator and the JSON Schema, which workflow code never
 * needs: the SDK evaluates a workflow bundle's modules once per run, so every byte here costs
 * every run (bundle 3.0 MB -> 2.0 MB, see docs/benchmarks.md).
 *
 *   import { evaluateExpression, planWorkflow } from '@warden/definition/runtime';
 */
export * from './model';
export {
  evaluateExpression,
  renderTemplate,
  renderValue,
  stepsReadBy,
  truthy,
  toText,
  ExpressionError,
} from './expressions';
export { renderArgv } from './command';
export { planWorkflow, type Plan, type PlannedStep } from './planner';
export { profileAllows } from './profiles';
export { isSealedSecret, isSecret } from './secrets';
