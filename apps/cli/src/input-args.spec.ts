import { UsageError } from './cli-errors';
import { collect, parseInputArgs } from './input-args';

describe('parseInputArgs', () => {
  it('splits on the first = only', () => {
    expect(parseInputArgs(['name=Ada', 'query=a=b&c=d', 'empty='])).toEqual({
      name: 'Ada',
      query: 'a=b&c=d',
      empty: '',
    });
  });

  it('keeps values verbatim, spaces and quotes included', () => {
    expect(parseInputArgs([`x=x'; touch /tmp/pwned; echo '`])).toEqual({ x: `x'; touch /tmp/pwned; echo '` });
  });

  it.each([
    ['name', "--input 'name': expected key=value"],
    ['=Ada', "--input '=Ada': expected key=value"],
    ['1x=2', "'1x' is not a valid input name"],
  ])('refuses %s', (arg, message) => {
    let error: unknown;
    try {
      parseInputArgs([arg]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain(message);
  });

  it('refuses a repeated key', () => {
    expect(() => parseInputArgs(['a=1', 'a=2'])).toThrow('--input a is given twice');
  });

  it('collects repeated options in order', () => {
    expect(['a=1', 'b=2'].reduce((acc, v) => collect(v, acc), [] as string[])).toEqual(['a=1', 'b=2']);
  });
});
