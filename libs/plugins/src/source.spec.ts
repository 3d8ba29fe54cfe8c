import { DEFAULT_PLUGIN_CAPS } from './caps';
import { PluginError } from './errors';
import { checkPluginSource, compilePluginSource } from './source';
import type { PluginLanguage } from './types';

/** Loads compiled CommonJS the way a CJS loader would, to prove the output is runnable. */
function loadCjs(code: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', code)(module, module.exports);
  return module.exports;
}

const codes = (source: string, language: PluginLanguage = 'javascript') =>
  checkPluginSource(source, language).problems.map((p) => p.code);

describe('plugin source', () => {
  it.each<[string, PluginLanguage, string]>([
    [
      'default object with run method',
      'javascript',
      'export default { async run(input, ctx) { return input.n * 2 } }',
    ],
    ['named async run', 'javascript', 'export async function run(input) { return input.n * 2 }'],
    [
      'run arrow in default object',
      'typescript',
      'export default { run: async (i: { n: number }) => i.n * 2 }',
    ],
    [
      'typed named run',
      'typescript',
      'type In = { n: number };\nexport async function run(i: In): Promise<number> { return i.n * 2 }',
    ],
    ['local run exported by name', 'javascript', 'const run = async (i) => i.n * 2;\nexport { run };'],
  ])('accepts %s and compiles it to runnable CommonJS', async (_label, language, source) => {
    const result = checkPluginSource(source, language);
    expect(result.problems).toEqual([]);
    const exports = loadCjs(result.compiled!);
    const entry = (exports.run ?? (exports.default as { run: unknown }).run) as (
      i: unknown,
    ) => Promise<number>;
    await expect(entry({ n: 21 })).resolves.toBe(42);
  });

  it('refuses source over the size cap', () => {
    const source = `export default { run() { return "${'x'.repeat(DEFAULT_PLUGIN_CAPS.maxSourceBytes)}" } }`;
    expect(codes(source)).toEqual(['source_too_large']);
  });

  it('reports syntax errors with line and column', () => {
    expect(checkPluginSource('export default {\n  run() { return 1 +; }\n}', 'javascript').problems).toEqual([
      { code: 'source_syntax', path: '/source', message: expect.stringContaining('(2:') },
    ]);
    expect(checkPluginSource('export const x: number = ;', 'typescript').problems).toEqual([
      { code: 'source_syntax', path: '/source', message: expect.stringMatching(/^1:26: /) },
    ]);
    expect(() => compilePluginSource('let x: = 1', 'typescript')).toThrow(PluginError);
  });

  it('refuses too many nodes, too deep nesting, and nesting too deep to parse', () => {
    expect(codes(`export default { run() { return [${'1,'.repeat(60_000)}] } }`)).toEqual([
      'source_too_complex',
    ]);
    const nested = (depth: number) =>
      `export default { run() { return ${'['.repeat(depth)}${']'.repeat(depth)} } }`;
    expect(codes(nested(150))).toEqual([]);
    expect(codes(nested(250))).toEqual(['source_too_complex']);
    expect(
      codes(`export default { run() { return ${'('.repeat(100_000)}1${')'.repeat(100_000)} } }`),
    ).toEqual(['source_too_complex']);
  });

  it.each([
    ['no export', 'async function run() {}'],
    ['default export without run', 'export default { go() {} }'],
    ['default export of a number', 'export default 42'],
    ['run that is not a function', 'export const run = 1'],
    ['both entry points', 'export default { run() {} };\nexport function run() {}'],
  ])('refuses a module with %s (source_shape)', (_label, source) => {
    expect(codes(source)).toEqual(['source_shape']);
  });

  it.each([
    ['a static import', 'import fs from "node:fs";'],
    ['export from', 'export { x } from "./x";'],
    ['export star', 'export * from "./x";'],
    ['require', 'const fs = require("fs");'],
    ['dynamic import', 'const m = import("fs");'],
    ['import.meta', 'const u = import.meta.url;'],
    ['eval', 'eval("1");'],
    ['Function', 'const f = Function("return this");'],
    ['constructor.constructor', 'const f = (() => 1).constructor.constructor("return this");'],
    ['computed constructor chain', 'const f = ({})["constructor"]["constructor"];'],
    ['process', 'const env = process.env;'],
    ['globalThis', 'const g = globalThis.fetch;'],
    ['WebAssembly', 'WebAssembly.compile(new Uint8Array());'],
    ['SharedArrayBuffer', 'new SharedArrayBuffer(8);'],
    ['Atomics', 'Atomics.wait;'],
    ['a shorthand reference', 'const o = { process };'],
  ])('flags %s as source_banned_construct, with its position', (_label, line) => {
    const problems = checkPluginSource(`${line}\nexport default { run() {} }`, 'javascript').problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toEqual({
      code: 'source_banned_construct',
      path: '/source',
      message: expect.stringMatching(/^1:\d+: /),
    });
  });

  it('does not flag the same names used as property names or keys', () => {
    const source =
      'export default { run(input) { return { process: input.process, eval: 1, constructor: 2 } } }';
    expect(codes(source)).toEqual([]);
  });

  it('checks TypeScript after stripping types', () => {
    expect(
      codes(
        'import type { X } from "./x";\nexport async function run(i: X) { return process.env }',
        'typescript',
      ),
    ).toEqual(['source_banned_construct']);
  });
});
