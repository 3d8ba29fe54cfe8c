/**
 * @warden/definition: the Warden workflow language. Pure: no I/O, safe to import from
 * Temporal workflow code.
 *
 *   const { definition, problems } = parseWorkflow(yamlText, { filename: 'hello.yaml' });
 */
export * from './model';
export { parseWorkflow, type ParseOptions, type ParseResult } from './parse';
export { MAX_NESTING_DEPTH, UNSTORABLE_CHARACTER, unstorableCharacter } from './validate/text-limits';
export { MAX_PROBLEMS } from './validate/problems';
export { MAX_SHOWN_LENGTH } from './validate/fields';
export { RESERVED_NAMES } from './validate/rules';
export {
  parseExpression,
  evaluateExpression,
  renderTemplate,
  renderValue,
  templateExpressions,
  referencedPaths,
  stepsReadBy,
  truthy,
  toText,
  ExpressionError,
  FUNCTION_NAMES,
  type Expr,
  type EvalLimits,
  type ExpressionErrorCode,
} from './expressions';
export { splitCommand, renderArgv, CommandError, type CommandToken, type CommandErrorCode } from './command';
export { resolveRunInputs, type ResolvedInputs } from './inputs';
export { planWorkflow, topologicalStages, type Plan, type PlannedStep } from './planner';
export { profileAllows, profileRank, minProfile, stepRequiredProfile, checkProfile } from './profiles';
export {
  registerStepType,
  getStepType,
  stepTypes,
  CREDENTIAL_NAME,
  type StepTypeDescriptor,
  type StepExecution,
  type FieldSpec,
  type FieldKind,
} from './step-types';
export { SECRET_PLACEHOLDER, hideSecrets, isSealedSecret, isSecret, isSecretValue } from './secrets';
export { maskSourceValues, type MaskedSource, type SourcePath } from './source-mask';
export { workflowJsonSchema, buildWorkflowJsonSchema, WORKFLOW_SCHEMA_ID } from './json-schema';
