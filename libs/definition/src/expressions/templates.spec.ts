import type { ExpressionContext } from '../model';
import { catchError } from '../testing/catch-error';
import { ExpressionError, renderTemplate, renderValue, templateExpressions } from './index';

const ctx: ExpressionContext = {
  inputs: { name: 'Ada', count: 3, list: [1, 2], obj: { a: 1 }, none: null },
  steps: { build: { status: 'succeeded', outputs: { tag: 'v1' }, exit_code: 0 } },
};

describe('templateExpressions', () => {
  it('lists each {{ }} span with the offset of its expression', () => {
    const tpl = "Hello {{ inputs.name }}, {{format('{{0}}', 1)}}!";
    expect(templateExpressions(tpl)).toEqual([
      { expr: ' inputs.name ', offset: 8 },
      { expr: "format('{{0}}', 1)", offset: 27 },
    ]);
    expect(templateExpressions('no templates')).toEqual([]);
  });

  it('an unclosed {{ is a syntax error at its position', () => {
    const err = catchError(ExpressionError, () => templateExpressions('abc {{ inputs.x'));
    expect(err).toMatchObject({ code: 'expression_syntax', position: 4 });
  });
});

describe('renderTemplate', () => {
  it.each<[string, unknown]>([
    ['plain text', 'plain text'],
    ['Hello {{ inputs.name }}!', 'Hello Ada!'],
    ['{{ inputs.count }}', 3],
    ['  {{ inputs.list }}  ', [1, 2]],
    ['{{ inputs.none }}', null],
    ['n={{ inputs.none }}', 'n='],
    ['{{ inputs.count }}{{ inputs.count }}', '33'],
    ['list={{ inputs.list }} obj={{ inputs.obj }}', 'list=[1,2] obj={"a":1}'],
    ['{{ steps.build.outputs.tag }}-{{ inputs.count > 2 }}', 'v1-true'],
    ["{{ '{{' }} literal", '{{ literal'],
  ])('%j -> %j', (tpl, expected) => {
    expect(renderTemplate(tpl, ctx)).toEqual(expected);
  });

  it('reports errors at their offset in the template', () => {
    const err = catchError(ExpressionError, () => renderTemplate('abc {{ inputs.x == }}', ctx));
    expect(err).toMatchObject({ code: 'expression_syntax', position: 19 });
  });
});

describe('renderValue', () => {
  it('renders strings deep inside objects and lists, keeping keys and other values', () => {
    const value = {
      greeting: 'hi {{ inputs.name }}',
      n: '{{ inputs.count }}',
      list: ['{{ inputs.obj }}', 7, true, null],
      '{{ key }}': 'k',
    };
    expect(renderValue(value, ctx)).toEqual({
      greeting: 'hi Ada',
      n: 3,
      list: [{ a: 1 }, 7, true, null],
      '{{ key }}': 'k',
    });
  });

  it('keeps a __proto__ key as plain data', () => {
    const value: unknown = JSON.parse('{"__proto__": {"x": "{{ inputs.name }}"}}');
    const out = renderValue(value, ctx);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ x: 'Ada' });
  });
});
