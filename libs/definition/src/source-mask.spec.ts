import { parseDocument } from 'yaml';
import { parseWorkflow } from './parse';
import { SECRET_PLACEHOLDER } from './secrets';
import { maskSourceValues, type SourcePath } from './source-mask';

const SECRET = 's3cr3t-value';

/** Masks, then checks what every caller relies on: same line count, valid text, placeholders in place. */
function masked(text: string, paths: SourcePath[]): string {
  const result = maskSourceValues(text, paths);
  expect(result.unmasked).toEqual([]);
  expect(result.text.split('\n')).toHaveLength(text.split('\n').length);
  expect(result.text).not.toContain(SECRET);
  const doc = parseDocument(result.text);
  expect(doc.errors).toEqual([]);
  for (const path of paths) expect(doc.getIn(path)).toBe(SECRET_PLACEHOLDER);
  return result.text;
}

describe('maskSourceValues', () => {
  it('masks flow, block, quoted, multi-line and block-scalar values, keeping later lines in place', () => {
    const text = [
      'name: t',
      'version: 1',
      'steps:',
      '  - id: a',
      '    type: shell',
      '    command: env',
      '    env:',
      `      A: { value: ${SECRET}, secret: true }`,
      '      B:',
      '        value: |',
      `          ${SECRET}`,
      '          second line',
      '        secret: true',
      `      C: { value: "${SECRET}`,
      '        continued", secret: true }',
      `      D: { value: '${SECRET}', secret: true } # a comment stays`,
      '    timeout: 5',
      '',
    ].join('\n');
    const paths: SourcePath[] = ['A', 'B', 'C', 'D'].map((k) => ['steps', 0, 'env', k, 'value']);
    const out = masked(text, paths);
    expect(out).toContain('A: { value: "<secret>", secret: true }');
    expect(out).toContain('D: { value: "<secret>", secret: true } # a comment stays');
    // The masked text is still a valid definition whose problems point where they did.
    const before = parseWorkflow(text.replace('timeout: 5', 'timeout: 0')).problems;
    const after = parseWorkflow(out.replace('timeout: 5', 'timeout: 0')).problems;
    expect(after.map((p) => [p.path, p.line, p.column])).toEqual(
      before.map((p) => [p.path, p.line, p.column]),
    );
  });

  it('masks JSON sources, escapes included', () => {
    const text = JSON.stringify(
      { steps: [{ id: 'a', env: { A: { value: `${SECRET}"\\\u00e9`, secret: true } } }] },
      null,
      2,
    );
    const out = masked(text, [['steps', 0, 'env', 'A', 'value']]);
    expect(JSON.parse(out)).toEqual({
      steps: [{ id: 'a', env: { A: { value: '<secret>', secret: true } } }],
    });
  });

  it('masks a whole mapping or list (a writeOnly config object)', () => {
    const text = [
      'steps:',
      '  - id: p',
      '    config:',
      '      creds:',
      '        user: u',
      `        pass: ${SECRET}`,
      `      keys: [${SECRET}, other]`,
      '      region: eu',
    ].join('\n');
    const out = masked(text, [
      ['steps', 0, 'config', 'creds'],
      ['steps', 0, 'config', 'keys'],
    ]);
    expect(parseDocument(out).toJS()).toEqual({
      steps: [{ id: 'p', config: { creds: '<secret>', keys: '<secret>', region: 'eu' } }],
    });
  });

  it('masks nothing when a value is repeated by an anchor or alias, or is not there', () => {
    const anchored = `a: &x ${SECRET}\nb: *x\nc: { d: [&y ${SECRET}] }\n`;
    for (const path of [['a'], ['b'], ['c'], ['missing']]) {
      const result = maskSourceValues(anchored, [path]);
      expect(result).toEqual({ text: anchored, unmasked: [path] });
    }
  });

  it('returns the text unchanged when there is nothing to mask', () => {
    expect(maskSourceValues('a: 1\n', [])).toEqual({ text: 'a: 1\n', unmasked: [] });
  });
});
