/**
 * Checks what runs inside the fields: expressions (`when`, `assert.condition`), `{{ }}` templates
 * in template fields, shell commands, and every `inputs.x` / `steps.<id>` an expression names.
 */
import { CommandError, splitCommand } from '../command';
import { type Expr, ExpressionError, parseExpression, pathReferences, scanTemplate } from '../expressions';
import type { InputSpec } from '../model';
import { isSecret } from '../secrets';
import { isPlainObject, shown } from './fields';
import type { Problems } from './problems';
import { childPath } from './source-map';
import type { ReadStep } from './steps';

interface Scope {
  inputs: Record<string, InputSpec>;
  stepIds: Set<string>;
  upstream: Map<string, Set<string>>;
  problems: Problems;
}

export function checkContent(
  steps: readonly ReadStep[],
  inputs: Record<string, InputSpec>,
  upstream: Map<string, Set<string>>,
  problems: Problems,
): void {
  const scope: Scope = { inputs, stepIds: new Set(steps.map((s) => s.step.id)), upstream, problems };
  for (const s of steps) {
    if (typeof s.step.when === 'string') checkExpression(s.step.when, 0, `${s.path}.when`, s, scope);
    if (!s.descriptor) continue;
    for (const [field, spec] of Object.entries(s.descriptor.fields)) {
      const value = s.step[field];
      if (value === undefined) continue;
      const path = childPath(s.path, field);
      if (spec.content === 'expression' && typeof value === 'string')
        checkExpression(value, 0, path, s, scope);
      else if (spec.content !== 'plain' && spec.content !== 'expression')
        // A secret is never a template (the reader refused `{{` in one): only the strings are.
        checkTemplates(spec.secretValues ? withoutSecrets(value) : value, path, s, scope);
    }
    if (s.descriptor.type === 'shell' && typeof s.step.command === 'string') {
      checkCommand(s.step.command, s.step.shell === 'bash', `${s.path}.command`, scope.problems);
    }
  }
}

function checkExpression(src: string, offset: number, path: string, s: ReadStep, scope: Scope): void {
  let expr: Expr;
  try {
    expr = parseExpression(src);
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    scope.problems.add(
      'expression_syntax',
      path,
      `${err.message} (at character ${err.position + 1} of the expression)`,
      {
        offset: offset + err.position,
      },
    );
    return;
  }
  for (const { path: ref, pos } of pathReferences(expr)) checkReference(ref, offset + pos, path, s, scope);
}

function checkReference(ref: string[], offset: number, path: string, s: ReadStep, scope: Scope): void {
  const [root, name] = ref;
  if (name === undefined) return;
  const at = { offset };
  if (root === 'inputs' && !Object.prototype.hasOwnProperty.call(scope.inputs, name)) {
    const known = Object.keys(scope.inputs);
    scope.problems.add(
      'unknown_input',
      path,
      `'inputs.${shown(name)}' is not a declared input${known.length ? ` (declared: ${shown(known.join(', '))})` : ''}`,
      at,
    );
  } else if (root === 'steps' && !scope.stepIds.has(name)) {
    scope.problems.add(
      'unknown_step_reference',
      path,
      `'steps.${shown(name)}' names no step of this workflow`,
      at,
    );
  } else if (root === 'steps' && !scope.upstream.get(s.step.id)?.has(name)) {
    const why =
      name === s.step.id
        ? 'a step cannot read its own results'
        : `add '${shown(name)}' to depends_on (directly or through another step)`;
    scope.problems.add(
      'step_not_upstream',
      path,
      `step '${shown(s.step.id)}' reads steps.${shown(name)}, which does not run before it: ${why}`,
      at,
    );
  }
}

/** Every string inside the value (nested in mappings and lists) is a template. */
function checkTemplates(value: unknown, path: string, s: ReadStep, scope: Scope): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkTemplates(v, childPath(path, i), s, scope));
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) checkTemplates(v, childPath(path, k), s, scope);
  } else if (typeof value === 'string') {
    try {
      for (const part of scanTemplate(value)) {
        if (part.kind === 'expr') checkExpression(part.expr, part.offset, path, s, scope);
      }
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      scope.problems.add('expression_syntax', path, err.message, { offset: err.position });
    }
  }
}

function withoutSecrets(map: unknown): unknown {
  return isPlainObject(map) ? Object.fromEntries(Object.entries(map).filter(([, v]) => !isSecret(v))) : map;
}

function checkCommand(command: string, bash: boolean, path: string, problems: Problems): void {
  if (bash) {
    const template = command.indexOf('{{');
    if (template !== -1) {
      problems.add(
        'invalid_value',
        path,
        'with `shell: bash` the command cannot contain {{ }}: pass values through `env:` and read them as "$NAME"',
        { offset: template },
      );
    }
    return;
  }
  try {
    splitCommand(command);
  } catch (err) {
    if (!(err instanceof CommandError)) throw err;
    problems.add(err.code === 'shell_operator' ? 'shell_operator' : 'invalid_value', path, err.message, {
      offset: err.position,
    });
  }
}
