/**
 * The expression language of `when`, `condition` and `{{ }}` templates: a safe subset modeled on
 * GitHub Actions expressions. Hand-written lexer, recursive-descent parser and tree-walking
 * evaluator; it reads JSON-like data only and every run is bounded (see EvalLimits).
 */
export { type Expr, type EvalLimits, type ExpressionErrorCode, ExpressionError, FUNCTION_NAMES } from './ast';
export { parseExpression } from './parser';
export { evaluateExpression } from './evaluator';
export {
  renderTemplate,
  renderValue,
  templateExpressions,
  referencedPaths,
  scanTemplate,
  stepsReadBy,
  type TemplatePart,
} from './templates';
export { findClose, pathReferences } from './templates';
export { toText, truthy, isPlainObject, deepEquals } from './values';
