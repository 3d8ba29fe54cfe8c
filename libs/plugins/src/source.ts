/**
 * Static checks on plugin source. They catch mistakes and the obvious probes early, with a line
 * and column; they are NOT the security boundary. Any static check of JavaScript can be bypassed
 * (computed property names, aliasing, string building), so the isolate sandbox, with no Node APIs
 * and brokered egress, is what actually contains a plugin. These checks only make the common
 * escapes fail at publish time instead of at run time.
 */
import { parse, type Node, type Program } from 'acorn';
import { transformSync, type Message } from 'esbuild';
import { DEFAULT_PLUGIN_CAPS, type PlatformPluginCaps } from './caps';
import { PluginError, type PluginProblem } from './errors';
import { checkModuleShape, findBannedConstructs } from './source-rules';
import type { PluginLanguage } from './types';

const SOURCE_PATH = '/source';

function esbuildProblem(error: unknown): PluginError {
  const first = (error as { errors?: Message[] }).errors?.[0];
  if (first === undefined)
    return new PluginError('source_syntax', 'source could not be compiled', SOURCE_PATH);
  const at = first.location ? `${first.location.line}:${first.location.column + 1}: ` : '';
  return new PluginError('source_syntax', `${at}${first.text}`, SOURCE_PATH);
}

function transform(source: string, loader: 'js' | 'ts', format: 'esm' | 'cjs'): string {
  try {
    return transformSync(source, {
      loader,
      format,
      target: 'es2022',
      sourcemap: false,
      sourcefile: `plugin.${loader}`,
    }).code;
  } catch (error) {
    throw esbuildProblem(error);
  }
}

/** Transpiles to the CommonJS text the sandbox loads. Throws `source_syntax` with line:col. */
export function compilePluginSource(source: string, language: PluginLanguage): string {
  return transform(source, language === 'typescript' ? 'ts' : 'js', 'cjs');
}

function parseModule(source: string): Program {
  try {
    return parse(source, { ecmaVersion: 'latest', sourceType: 'module', locations: true });
  } catch (error) {
    const message = (error as Error).message;
    // acorn is recursive descent; absurd nesting exhausts the stack before our own counts run.
    if (error instanceof RangeError || message.includes('stack space')) {
      throw new PluginError('source_too_complex', 'source is nested too deeply to parse', SOURCE_PATH);
    }
    throw new PluginError('source_syntax', message, SOURCE_PATH);
  }
}

/** Node count and deepest nesting, without recursion (the AST can be deep by construction). */
export function measureAst(root: Node): { nodes: number; depth: number } {
  const stack: { node: Node; depth: number }[] = [{ node: root, depth: 1 }];
  let nodes = 0;
  let depth = 0;
  while (stack.length > 0) {
    const item = stack.pop()!;
    nodes += 1;
    if (item.depth > depth) depth = item.depth;
    for (const child of childNodes(item.node)) stack.push({ node: child, depth: item.depth + 1 });
  }
  return { nodes, depth };
}

export function childNodes(node: Node): Node[] {
  const children: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'loc') continue;
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) children.push(item);
    } else if (isNode(value)) {
      children.push(value);
    }
  }
  return children;
}

function isNode(value: unknown): value is Node {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}

/**
 * Every source problem at once where possible (syntax stops the rest). For TypeScript the module
 * checks run on esbuild's type-stripped ESM output, so their line numbers are of that output.
 */
export function checkPluginSource(
  source: string,
  language: PluginLanguage,
  caps: PlatformPluginCaps = DEFAULT_PLUGIN_CAPS,
): { problems: PluginProblem[]; compiled?: string } {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > caps.maxSourceBytes) {
    return {
      problems: [
        {
          code: 'source_too_large',
          path: SOURCE_PATH,
          message: `source is ${bytes} bytes; the cap is ${caps.maxSourceBytes}`,
        },
      ],
    };
  }
  let program: Program;
  try {
    const moduleText = language === 'typescript' ? transform(source, 'ts', 'esm') : source;
    program = parseModule(moduleText);
  } catch (error) {
    if (error instanceof PluginError)
      return { problems: [{ code: error.code, path: SOURCE_PATH, message: error.message }] };
    throw error;
  }
  const { nodes, depth } = measureAst(program);
  if (nodes > caps.maxAstNodes || depth > caps.maxNesting) {
    const message =
      nodes > caps.maxAstNodes
        ? `source has ${nodes} syntax nodes; the cap is ${caps.maxAstNodes}`
        : `source nests ${depth} levels deep; the cap is ${caps.maxNesting}`;
    return { problems: [{ code: 'source_too_complex', path: SOURCE_PATH, message }] };
  }
  const problems = [...checkModuleShape(program), ...findBannedConstructs(program)].map((p) => ({
    ...p,
    path: SOURCE_PATH,
  }));
  if (problems.length > 0) return { problems };
  try {
    return { problems, compiled: compilePluginSource(source, language) };
  } catch (error) {
    if (error instanceof PluginError)
      return { problems: [{ code: error.code, path: SOURCE_PATH, message: error.message }] };
    throw error;
  }
}
