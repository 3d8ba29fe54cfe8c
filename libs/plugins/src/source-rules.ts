/**
 * What a plugin module may look like, and the constructs flagged as a first, bypassable layer
 * (see source.ts: the sandbox is the boundary).
 */
import type { AnyNode, Identifier, Literal, Node, Program } from 'acorn';
import type { PluginProblemCode } from './errors';

interface SourceProblem {
  code: PluginProblemCode;
  message: string;
}

const ACCEPTED_SHAPES =
  'a plugin module exports `export default { async run(input, ctx) { ... } }` or `export async function run(input, ctx) { ... }`';

/** Globals a plugin has no business naming; each is a known route out of a JavaScript sandbox. */
const BANNED_GLOBALS: Readonly<Record<string, string>> = {
  eval: 'eval runs strings as code',
  Function: 'the Function constructor runs strings as code',
  require: 'plugins are single modules; require is not available',
  process: 'process is a Node API; plugins get only the ctx argument',
  globalThis: 'globalThis access is not allowed',
  WebAssembly: 'WebAssembly is not available to plugins',
  SharedArrayBuffer: 'SharedArrayBuffer is not available to plugins',
  Atomics: 'Atomics is not available to plugins',
};

function at(node: Node & { loc?: { start: { line: number; column: number } } | null }): string {
  return node.loc ? `${node.loc.start.line}:${node.loc.start.column + 1}: ` : '';
}

function nameOf(node: Identifier | Literal): string | undefined {
  return node.type === 'Identifier' ? node.name : typeof node.value === 'string' ? node.value : undefined;
}

function isFunction(node: AnyNode | null | undefined): boolean {
  return (
    node?.type === 'FunctionDeclaration' ||
    node?.type === 'FunctionExpression' ||
    node?.type === 'ArrowFunctionExpression'
  );
}

/** Top-level `function f`, `const f = ...`, `class C` by name, to follow `export { f as run }`. */
function topLevelBindings(program: Program): Map<string, AnyNode | null> {
  const bindings = new Map<string, AnyNode | null>();
  for (const statement of program.body) {
    const declaration =
      statement.type === 'ExportNamedDeclaration' ? statement.declaration : (statement as AnyNode);
    if (!declaration) continue;
    if (declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') {
      if (declaration.id) bindings.set(declaration.id.name, declaration);
    } else if (declaration.type === 'VariableDeclaration') {
      for (const d of declaration.declarations)
        if (d.id.type === 'Identifier') bindings.set(d.id.name, d.init ?? null);
    }
  }
  return bindings;
}

function resolve(
  node: AnyNode | null | undefined,
  bindings: Map<string, AnyNode | null>,
): AnyNode | null | undefined {
  return node?.type === 'Identifier' ? bindings.get(node.name) : node;
}

function hasRunFunction(node: AnyNode | null | undefined, bindings: Map<string, AnyNode | null>): boolean {
  if (node?.type !== 'ObjectExpression') return false;
  return node.properties.some(
    (p) =>
      p.type === 'Property' &&
      !p.computed &&
      (p.key.type === 'Identifier' || p.key.type === 'Literal') &&
      nameOf(p.key) === 'run' &&
      isFunction(resolve(p.value, bindings)),
  );
}

/** Exactly one entry point: a default export carrying `run`, or a named `run` function. */
export function checkModuleShape(program: Program): SourceProblem[] {
  const problems: SourceProblem[] = [];
  const bindings = topLevelBindings(program);
  let defaultEntry = 0;
  let namedRun = 0;
  for (const statement of program.body) {
    if (statement.type === 'ImportDeclaration') {
      problems.push({
        code: 'source_banned_construct',
        message: `${at(statement)}imports are not allowed: plugins are single modules`,
      });
    } else if (
      statement.type === 'ExportAllDeclaration' ||
      (statement.type === 'ExportNamedDeclaration' && statement.source)
    ) {
      problems.push({
        code: 'source_banned_construct',
        message: `${at(statement)}"export ... from" is not allowed: plugins are single modules`,
      });
    } else if (statement.type === 'ExportDefaultDeclaration') {
      const target = resolve(statement.declaration as AnyNode, bindings);
      if (isFunction(target) || hasRunFunction(target, bindings)) defaultEntry += 1;
      else
        problems.push({
          code: 'source_shape',
          message: `${at(statement)}the default export has no run function; ${ACCEPTED_SHAPES}`,
        });
    } else if (statement.type === 'ExportNamedDeclaration') {
      const declaration = statement.declaration;
      if (declaration?.type === 'FunctionDeclaration' && declaration.id.name === 'run') namedRun += 1;
      if (declaration?.type === 'VariableDeclaration') {
        for (const d of declaration.declarations) {
          if (d.id.type === 'Identifier' && d.id.name === 'run' && isFunction(d.init)) namedRun += 1;
        }
      }
      for (const specifier of statement.specifiers) {
        const exported = nameOf(specifier.exported);
        const local = bindings.get(nameOf(specifier.local) ?? '');
        if (exported === 'run' && isFunction(local)) namedRun += 1;
        if (exported === 'default' && (isFunction(local) || hasRunFunction(local, bindings)))
          defaultEntry += 1;
      }
    }
  }
  if (defaultEntry + namedRun === 0 && !problems.some((p) => p.code === 'source_shape')) {
    problems.push({ code: 'source_shape', message: `no run function is exported; ${ACCEPTED_SHAPES}` });
  } else if (defaultEntry > 0 && namedRun > 0) {
    problems.push({
      code: 'source_shape',
      message: 'export either a default object with run or a named run function, not both',
    });
  }
  return problems;
}

/** Identifiers that name a property or label rather than a variable, e.g. `x.process`. */
function nonReferenceIdentifiers(node: AnyNode, into: Set<Node>): void {
  switch (node.type) {
    case 'MemberExpression':
      if (!node.computed) into.add(node.property);
      break;
    case 'Property':
      // A shorthand `{ process }` has a separate key node; its value node is the reference.
      if (!node.computed) into.add(node.key);
      break;
    case 'MethodDefinition':
    case 'PropertyDefinition':
      if (!node.computed) into.add(node.key);
      break;
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      if (node.label) into.add(node.label);
      break;
    case 'MetaProperty':
      into.add(node.meta);
      into.add(node.property);
      break;
    default:
      break;
  }
}

function propertyName(node: AnyNode): string | undefined {
  if (node.type !== 'MemberExpression') return undefined;
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  return node.property.type === 'Literal' && typeof node.property.value === 'string'
    ? node.property.value
    : undefined;
}

/** Walks iteratively (depth is capped before this runs, but the walk need not rely on it). */
export function findBannedConstructs(program: Program): SourceProblem[] {
  const problems: SourceProblem[] = [];
  const skip = new Set<Node>();
  const stack: AnyNode[] = [program];
  while (stack.length > 0) {
    const node = stack.pop()!;
    nonReferenceIdentifiers(node, skip);
    const banned = (message: string) =>
      problems.push({ code: 'source_banned_construct', message: `${at(node)}${message}` });
    if (node.type === 'Identifier' && !skip.has(node) && Object.hasOwn(BANNED_GLOBALS, node.name)) {
      banned(`"${node.name}": ${BANNED_GLOBALS[node.name]}`);
    } else if (node.type === 'ImportExpression') {
      banned('dynamic import() is not allowed: plugins are single modules');
    } else if (node.type === 'MetaProperty' && node.meta.name === 'import') {
      banned('import.meta is not available to plugins');
    } else if (propertyName(node) === 'constructor' && node.type === 'MemberExpression') {
      if (propertyName(node.object as AnyNode) === 'constructor')
        banned('"constructor.constructor" reaches the Function constructor');
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'loc') continue;
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i -= 1) if (isAstNode(value[i])) stack.push(value[i]);
      } else if (isAstNode(value)) {
        stack.push(value);
      }
    }
  }
  return problems;
}

function isAstNode(value: unknown): value is AnyNode {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}
