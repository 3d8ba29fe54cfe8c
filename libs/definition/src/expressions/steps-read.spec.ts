import { stepsReadBy } from './templates';

describe('stepsReadBy', () => {
  it('lists the steps templates name, anywhere in a value', () => {
    const value = {
      text: '{{ steps.build.outputs.url }}',
      list: ['plain', 'x {{ steps["test"].exit_code }} y'],
      nested: { n: "{{ format('{0}{1}', inputs.n, steps.size.outputs.n) }}", plain: 3 },
    };
    expect(stepsReadBy(value)).toEqual(new Set(['build', 'test', 'size']));
  });

  it('is empty for values that read no step', () => {
    expect(stepsReadBy({ a: '{{ inputs.a }}', b: 'text', c: 1, d: null })).toEqual(new Set());
    expect(stepsReadBy(undefined)).toEqual(new Set());
  });

  it.each([
    ['the whole of steps', '{{ toJSON(steps) }}'],
    ['a computed key', '{{ steps[inputs.which].outputs }}'],
    ['an expression that does not parse', '{{ steps.a.outputs. }}'],
  ])('is undefined (any step may matter) for %s', (_what, tpl) => {
    expect(stepsReadBy({ x: tpl, y: '{{ steps.b.outputs }}' })).toBeUndefined();
  });
});
